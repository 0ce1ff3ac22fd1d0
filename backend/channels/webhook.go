package channels

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/remind"
)

// WebhookFormats are the shapes a webhook takes.
var WebhookFormats = []string{"teams", "slack", "json"}

// Webhook posts team messages as JSON.
type Webhook struct {
	URL string
	// Format: teams (a Workflows webhook: a message with an Adaptive
	// Card), slack ({"text": ...}) or json (the reminders as data).
	Format string
	Client *http.Client
	// Attempts is how many times a 429, a 5xx or a network failure is
	// tried in all (default 4); Delay is the wait before attempt n+1
	// when the answer names none (default 2s, 4s, 8s, at most a minute).
	Attempts int
	Delay    func(n int) time.Duration
	// Sleep waits (tests pass one that doesn't).
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetryAfter caps a Retry-After the receiver asks for.
	MaxRetryAfter time.Duration
	// Loc is the time zone of the times in the message.
	Loc *time.Location
}

func (w Webhook) loc() *time.Location {
	if w.Loc == nil {
		return time.Local
	}
	return w.Loc
}

// Name is the ledger's channel.
func (w Webhook) Name() string { return "webhook" }

// Where is what a person is told the message reached: the host.
func (w Webhook) Where() string {
	u, err := url.Parse(w.URL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// CheckWebhookURL accepts https://, and http:// only to this computer.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errs.New(errs.InvalidURL, "the webhook is not an https:// address")
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return errs.New(errs.InsecureURL, "a webhook must be https:// (http:// only on this computer)")
	}
	return nil
}

// Validate checks the settings without sending.
func (w Webhook) Validate() error {
	if err := CheckWebhookURL(w.URL); err != nil {
		return err
	}
	switch w.Format {
	case "teams", "slack", "json":
		return nil
	}
	return errs.Newf(errs.InvalidSetting, "the webhook format must be teams, slack or json, not %q", w.Format)
}

// Send posts m, retrying 429 and 5xx answers (honouring Retry-After) and
// network failures. Another 4xx is refused for good: webhook_refused.
func (w Webhook) Send(ctx context.Context, m remind.TeamMessage) error {
	if err := w.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(w.payload(m))
	if err != nil {
		return errs.Newf(errs.Internal, "the webhook's message: %v", err)
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	attempts := max(w.Attempts, 1)
	if w.Attempts == 0 {
		attempts = 4
	}
	sleep := w.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	maxWait := w.MaxRetryAfter
	if maxWait <= 0 {
		maxWait = 5 * time.Minute
	}
	host := w.Where()
	var last error
	for n := 1; ; n++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
		if err != nil {
			return errs.New(errs.InvalidURL, "the webhook is not an https:// address")
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("User-Agent", "dpgcerts")
		resp, err := client.Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return errs.New(errs.Cancelled, "cancelled")
			}
			// The URL (a secret for Teams and Slack) stays out of the message.
			last = &errs.Error{Code: errs.WebhookFailed, Message: fmt.Sprintf("%s could not be reached", host)}
		default:
			snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			answer := strings.TrimSpace(string(snippet))
			switch {
			case resp.StatusCode >= 200 && resp.StatusCode < 300:
				return nil
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
				last = &errs.Error{Code: errs.WebhookFailed, Message: fmt.Sprintf("%s answered %s %s", host, resp.Status, answer)}
				wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
			default:
				return &errs.Error{Code: errs.WebhookRefused, Message: fmt.Sprintf("%s answered %s %s", host, resp.Status, answer)}
			}
		}
		if n >= attempts {
			return last
		}
		if wait <= 0 {
			wait = w.delay(n)
		}
		if err := sleep(ctx, min(wait, maxWait)); err != nil {
			return errs.New(errs.Cancelled, "cancelled")
		}
	}
}

func (w Webhook) delay(n int) time.Duration {
	if w.Delay != nil {
		return w.Delay(n)
	}
	return min(time.Duration(1<<n)*time.Second, time.Minute)
}

// retryAfter reads Retry-After: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (w Webhook) payload(m remind.TeamMessage) any {
	switch w.Format {
	case "slack":
		return map[string]string{"text": "*" + m.Subject + "*\n" + m.Text}
	case "teams":
		return teamsMessage(m, w.loc())
	}
	type item struct {
		remind.Item
		Title    string   `json:"title"`
		When     string   `json:"when"`
		Stops    string   `json:"stops"`
		NextText string   `json:"nextText,omitempty"`
		Steps    []string `json:"steps,omitempty"`
	}
	items := make([]item, 0, len(m.Items))
	for _, it := range m.Items {
		when, _, what, next, steps := remind.ItemLines(m.Lang, it, w.loc())
		items = append(items, item{Item: it, Title: remind.ItemName(m.Lang, it), When: when, Stops: what, NextText: next, Steps: steps})
	}
	return map[string]any{"subject": m.Subject, "lang": m.Lang, "digest": m.Digest, "text": m.Text, "items": items}
}

// teamsMessage is what a Teams Workflows webhook ("Post to a channel when
// a webhook request is received") takes: a message with one Adaptive Card.
func teamsMessage(m remind.TeamMessage, loc *time.Location) map[string]any {
	body := []map[string]any{{"type": "TextBlock", "text": m.Subject, "weight": "Bolder", "size": "Medium", "wrap": true}}
	for _, it := range m.Items {
		when, cert, what, next, steps := remind.ItemLines(m.Lang, it, loc)
		block := []map[string]any{
			{"type": "TextBlock", "text": remind.ItemName(m.Lang, it), "weight": "Bolder", "wrap": true, "separator": true, "spacing": "Medium"},
			{"type": "TextBlock", "text": when, "wrap": true, "color": "Attention"},
			{"type": "TextBlock", "text": cert, "wrap": true, "isSubtle": true},
			{"type": "TextBlock", "text": what, "wrap": true},
		}
		if next != "" {
			block = append(block, map[string]any{"type": "TextBlock", "text": next, "wrap": true, "weight": "Bolder"})
		}
		for n, s := range steps {
			block = append(block, map[string]any{"type": "TextBlock", "text": fmt.Sprintf("%d. %s", n+1, s), "wrap": true, "spacing": "None"})
		}
		body = append(body, block...)
	}
	if m.Digest || len(m.Items) == 0 {
		body = append(body, map[string]any{"type": "TextBlock", "text": m.Text, "wrap": true})
	} else {
		body = append(body, map[string]any{"type": "TextBlock", "text": i18n.T(m.Lang, "teamMail.footer"), "wrap": true, "isSubtle": true, "size": "Small"})
	}
	return map[string]any{
		"type": "message",
		"attachments": []map[string]any{{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"content": map[string]any{
				"type":    "AdaptiveCard",
				"version": "1.4",
				"body":    body,
				"msteams": map[string]any{"width": "Full"},
			},
		}},
	}
}
