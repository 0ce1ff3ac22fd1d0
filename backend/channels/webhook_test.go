package channels

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/remind"
)

// receiver is a local HTTPS webhook receiver that answers from a script.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	answers []answer
	bodies  [][]byte
}

type answer struct {
	status     int
	retryAfter string
}

func newReceiver(t *testing.T, answers ...answer) *receiver {
	r := &receiver{answers: answers}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if req.Method != http.MethodPost || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		r.bodies = append(r.bodies, b)
		a := answer{status: http.StatusAccepted}
		if len(r.answers) > 0 {
			a, r.answers = r.answers[0], r.answers[1:]
		}
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, http.StatusText(a.status))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...)
}

// waits records the delays instead of sleeping them.
type waits struct{ d []time.Duration }

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.d = append(w.d, d)
	return nil
}

func hook(r *receiver, format string, w *waits) Webhook {
	return Webhook{URL: r.srv.URL + "/hook?sig=SECRET", Format: format, Client: r.srv.Client(), Sleep: w.sleep, Loc: time.UTC}
}

func TestWebhookShapes(t *testing.T) {
	m := remind.ComposeTeam("da", []remind.Item{secureMailItem()}, time.UTC)
	r := newReceiver(t)
	for _, f := range WebhookFormats {
		if err := hook(r, f, &waits{}).Send(context.Background(), m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	got := r.received()
	if len(got) != 3 {
		t.Fatalf("%d posts", len(got))
	}
	// teams: a message carrying an Adaptive Card.
	var teams struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Type    string           `json:"type"`
				Version string           `json:"version"`
				Body    []map[string]any `json:"body"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(got[0], &teams); err != nil {
		t.Fatal(err)
	}
	if teams.Type != "message" || len(teams.Attachments) != 1 || teams.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" ||
		teams.Attachments[0].Content.Type != "AdaptiveCard" || teams.Attachments[0].Content.Body[0]["text"] != m.Subject {
		t.Errorf("teams: %s", got[0])
	}
	if !strings.Contains(string(got[0]), "stopper om 2 dage") || !strings.Contains(string(got[0]), "MitID Erhverv") {
		t.Errorf("teams card lacks the item: %s", got[0])
	}
	var slack map[string]string
	if err := json.Unmarshal(got[1], &slack); err != nil || len(slack) != 1 || !strings.Contains(slack["text"], m.Subject) {
		t.Errorf("slack: %s", got[1])
	}
	var data struct {
		Subject string `json:"subject"`
		Items   []struct {
			IntegrationID string `json:"integrationId"`
			DaysLeft      int    `json:"daysLeft"`
			SHA1          string `json:"sha1"`
			Step          string `json:"step"`
		} `json:"items"`
	}
	if err := json.Unmarshal(got[2], &data); err != nil || data.Subject != m.Subject || len(data.Items) != 1 ||
		data.Items[0].IntegrationID != "int-sm" || data.Items[0].DaysLeft != 2 || data.Items[0].Step != "3" {
		t.Errorf("json: %s", got[2])
	}
}

// TestWebhookRetries: 429 and 503 are tried again, after the Retry-After
// the receiver asks for or the backoff; a 400 is refused at once.
func TestWebhookRetries(t *testing.T) {
	m := remind.ComposeTest("en")
	r := newReceiver(t, answer{status: 429, retryAfter: "7"}, answer{status: 503}, answer{status: 200})
	w := &waits{}
	if err := hook(r, "slack", w).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(r.received()) != 3 || len(w.d) != 2 || w.d[0] != 7*time.Second || w.d[1] != 4*time.Second {
		t.Fatalf("%d posts, waits %v", len(r.received()), w.d)
	}

	down := newReceiver(t, answer{status: 503}, answer{status: 502}, answer{status: 500}, answer{status: 429})
	w = &waits{}
	err := hook(down, "teams", w).Send(context.Background(), m)
	if errs.Code(err) != errs.WebhookFailed || len(down.received()) != 4 || len(w.d) != 3 || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("still failing: %v, %d posts, waits %v", err, len(down.received()), w.d)
	}

	bad := newReceiver(t, answer{status: 400})
	w = &waits{}
	err = hook(bad, "json", w).Send(context.Background(), m)
	if errs.Code(err) != errs.WebhookRefused || len(bad.received()) != 1 || len(w.d) != 0 || !strings.Contains(err.Error(), "400") {
		t.Fatalf("400: %v, %d posts", err, len(bad.received()))
	}
}

func TestWebhookURL(t *testing.T) {
	for u, code := range map[string]string{
		"https://hooks.example.org/x": "",
		"http://127.0.0.1:8080/x":     "",
		"http://localhost/x":          "",
		"http://hooks.example.org/x":  errs.InsecureURL,
		"ftp://hooks.example.org/x":   errs.InvalidURL,
		"hooks":                       errs.InvalidURL,
	} {
		if got := errs.Code(CheckWebhookURL(u)); got != code {
			t.Errorf("%s: %q, want %q", u, got, code)
		}
	}
	if d := retryAfter("Wed, 09 Dec 2026 10:00:10 GMT", time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)); d != 10*time.Second {
		t.Errorf("HTTP date: %v", d)
	}
}
