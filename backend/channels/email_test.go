package channels

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/channels/smtptest"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/remind"
)

var testNow = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func secureMailItem() remind.Item {
	return remind.Item{IntegrationID: "int-sm", Kind: "secure_mail", Name: "sikkerpost@økonomi-æblegård.dk", State: overview.StateExpiring,
		Certificate: "sikkerpost@økonomi-æblegård.dk", SHA1: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", SHA256: "ab",
		NotAfter: time.Date(2026, 12, 8, 14, 30, 0, 0, time.UTC), DaysLeft: 2, NextStep: overview.StepRenew, Step: "3"}
}

func email(s *smtptest.Server, user, password string) Email {
	return Email{Server: SMTP{Host: s.Host, Port: s.Port, User: user}, Password: password,
		From: "dpgcerts@kommune.dk", To: []string{"it-drift@kommune.dk", "Åse Ørum <aase@kommune.dk>"},
		TLS: &tls.Config{RootCAs: s.Roots}, Now: func() time.Time { return testNow }, Loc: time.UTC,
		AlarmDays: remind.DefaultLeadDays, Timeout: 10 * time.Second}
}

// parsed is a received message taken apart.
type parsed struct {
	header               mail.Header
	subject, text, html  string
	ics                  string
	icsName, icsMimeType string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var p parsed
	p.header = m.Header
	dec := new(mime.WordDecoder)
	if p.subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	var walk func(ct string, body io.Reader, disp string)
	walk = func(ct string, body io.Reader, disp string) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				part, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				var content io.Reader = part
				switch strings.ToLower(part.Header.Get("Content-Transfer-Encoding")) {
				case "quoted-printable":
					content = quotedPrintable(part)
				case "base64":
					content = base64Reader(part)
				}
				walk(part.Header.Get("Content-Type"), content, part.Header.Get("Content-Disposition"))
			}
		}
		b, _ := io.ReadAll(body)
		switch {
		case strings.HasPrefix(mt, "text/calendar"):
			p.ics, p.icsMimeType = string(b), ct
			_, dp, _ := mime.ParseMediaType(disp)
			p.icsName = dp["filename"]
		case mt == "text/plain":
			if params["charset"] != "UTF-8" && params["charset"] != "utf-8" {
				t.Errorf("text charset %q", params["charset"])
			}
			p.text = string(b)
		case mt == "text/html":
			p.html = string(b)
		}
	}
	walk(m.Header.Get("Content-Type"), m.Body, "")
	return p
}

// TestEmailSTARTTLS: a real SMTP server on loopback with STARTTLS and
// AUTH: the message arrives over TLS, authenticated, multipart text and
// HTML in UTF-8, the subject RFC 2047-encoded with æøå, Message-ID and
// Date, and the .ics of the stop date with alarms; in both languages.
func TestEmailSTARTTLS(t *testing.T) {
	for _, tt := range []struct{ lang, subject, what string }{
		{"en", "[DPG] Secure mail (sikkerpost@økonomi-æblegård.dk) stops in 2 days (8 Dec 2026)", "secure mail to and from the mailbox"},
		{"da", "[DPG] Sikker mail (sikkerpost@økonomi-æblegård.dk) stopper om 2 dage (8. dec. 2026)", "sikker post til og fra den postkasse"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			s := smtptest.Start(t, smtptest.Options{User: "dpg", Password: "hemmeligt-æøå"})
			e := email(s, "dpg", "hemmeligt-æøå")
			m := remind.ComposeTeam(tt.lang, []remind.Item{secureMailItem()}, time.UTC)
			if err := e.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			msgs := s.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			got := msgs[0]
			if !got.TLS || got.User != "dpg" || got.From != "dpgcerts@kommune.dk" || len(got.To) != 2 {
				t.Fatalf("envelope %+v", got)
			}
			raw := string(got.Data)
			if strings.Contains(raw, "økonomi-æblegård.dk) st") {
				t.Error("the subject is not RFC 2047-encoded")
			}
			p := parse(t, got.Data)
			if p.subject != tt.subject {
				t.Errorf("subject %q, want %q", p.subject, tt.subject)
			}
			if p.header.Get("Message-Id") == "" || p.header.Get("Date") == "" {
				t.Errorf("no Message-ID or Date: %v", p.header)
			}
			for _, part := range []string{p.text, p.html} {
				if !strings.Contains(part, tt.what) || !strings.Contains(part, "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3") ||
					!strings.Contains(part, "MitID Erhverv") {
					t.Errorf("a part lacks the item:\n%s", part)
				}
			}
			if !strings.Contains(p.html, "<ol") || !strings.Contains(p.text, "  1. ") {
				t.Errorf("no steps")
			}
			if p.icsName != "dpg-stops.ics" || !strings.Contains(p.ics, "BEGIN:VEVENT") || !strings.Contains(p.ics, "DTSTART;VALUE=DATE:20261208") ||
				!strings.Contains(p.ics, "TRIGGER:-P90D") || !strings.Contains(p.ics, "TRIGGER:-P0D") {
				t.Errorf("the .ics %q (%s):\n%s", p.icsName, p.icsMimeType, p.ics)
			}
		})
	}
}

// TestEmailLogin: a server that offers only LOGIN gets LOGIN.
func TestEmailLogin(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{User: "dpg", Password: "pw-æøå", Mechs: []string{"LOGIN"}})
	if err := email(s, "dpg", "pw-æøå").Send(context.Background(), remind.ComposeTest("da")); err != nil {
		t.Fatal(err)
	}
	if msgs := s.Messages(); len(msgs) != 1 || msgs[0].User != "dpg" || !msgs[0].TLS {
		t.Fatalf("%+v", msgs)
	}
	if err := email(s, "dpg", "wrong").Send(context.Background(), remind.ComposeTest("da")); errs.Code(err) != errs.MailAuthFailed {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestEmailImplicitTLS(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{Implicit: true, User: "dpg", Password: "pw"})
	e := email(s, "dpg", "pw")
	e.Server.Implicit = true
	if err := e.Send(context.Background(), remind.ComposeTest("en")); err != nil {
		t.Fatal(err)
	}
	if msgs := s.Messages(); len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "dpg" {
		t.Fatalf("%+v", msgs)
	}
}

// TestEmailNeverCredentialsWithoutTLS: a server without STARTTLS gets
// neither the password nor the message, unless it is this computer and
// no credentials are sent. A host that isn't loopback is reached by name
// through a dial that leads to the server.
func TestEmailNeverCredentialsWithoutTLS(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{NoTLS: true, User: "dpg", Password: "pw"})
	toServer := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, s.Addr())
	}
	remote := email(s, "dpg", "pw")
	remote.Server.Host, remote.Dial = "smtp.kommune.test", toServer
	err := remote.Send(context.Background(), remind.ComposeTest("en"))
	if errs.Code(err) != errs.MailTLSRequired || strings.Contains(err.Error(), "pw") {
		t.Fatalf("remote with a user: %v", err)
	}
	anon := remote
	anon.Server.User, anon.Password = "", ""
	if err := anon.Send(context.Background(), remind.ComposeTest("en")); errs.Code(err) != errs.MailTLSRequired {
		t.Fatalf("remote without a user: %v", err)
	}
	local := email(s, "dpg", "pw")
	if err := local.Send(context.Background(), remind.ComposeTest("en")); errs.Code(err) != errs.MailTLSRequired {
		t.Fatalf("loopback with a user: %v", err)
	}
	if s.Auths() != 0 || len(s.Messages()) != 0 {
		t.Fatalf("the server got %d AUTH and %d messages", s.Auths(), len(s.Messages()))
	}
	// Loopback, no credentials: a local relay without TLS is fine.
	open := smtptest.Start(t, smtptest.Options{NoTLS: true})
	if err := email(open, "", "").Send(context.Background(), remind.ComposeTest("da")); err != nil || len(open.Messages()) != 1 {
		t.Fatalf("local relay: %v, %d", err, len(open.Messages()))
	}
}

func TestEmailFailures(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{User: "dpg", Password: "right-password"})
	wrong := email(s, "dpg", "wrong-password")
	err := wrong.Send(context.Background(), remind.ComposeTest("en"))
	if errs.Code(err) != errs.MailAuthFailed || strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("wrong password: %v", err)
	}
	s.Refuse(true)
	err = email(s, "dpg", "right-password").Send(context.Background(), remind.ComposeTest("en"))
	if errs.Code(err) != errs.MailRefused || !strings.Contains(err.Error(), "Relay access denied") {
		t.Errorf("refused: %v", err)
	}
	s.Stop()
	err = email(s, "dpg", "right-password").Send(context.Background(), remind.ComposeTest("en"))
	if errs.Code(err) != errs.MailFailed {
		t.Errorf("down: %v", err)
	}
	if len(s.Messages()) != 0 {
		t.Errorf("%d messages", len(s.Messages()))
	}
}

func TestParseSMTP(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://mail.kommune.dk":            "smtp://mail.kommune.dk:587",
		"smtp://dpg@mail.kommune.dk:25":     "smtp://dpg@mail.kommune.dk:25",
		"smtps://dpg%40kommune.dk@mail:465": "smtps://dpg%40kommune.dk@mail:465",
		"smtps://mail.kommune.dk":           "smtps://mail.kommune.dk:465",
	} {
		s, err := ParseSMTP(raw)
		if err != nil || s.String() != want {
			t.Errorf("%s: %v %v, want %s", raw, s, err, want)
		}
	}
	for _, raw := range []string{"http://mail", "smtp://", "smtp://u:secret@mail", "smtp://mail:99999", "mail.kommune.dk", "smtp://mail/x"} {
		_, err := ParseSMTP(raw)
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
