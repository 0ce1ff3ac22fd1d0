// Package channels sends the team's reminders (backend/remind's
// TeamMessage) out of this computer: by e-mail over SMTP (go-mail) and to a
// webhook (Teams, Slack, or plain JSON). Each failure is an errs.Error with
// its own code; no message or error ever holds a password.
package channels

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/report"
)

// SMTP is a mail server's address: smtp://[user@]host[:port] (STARTTLS,
// port 587 by default) or smtps://[user@]host[:port] (TLS from the start,
// port 465).
type SMTP struct {
	Implicit bool
	Host     string
	Port     int
	User     string
}

// ParseSMTP reads an smtp:// or smtps:// address. A password in it is
// refused: it would sit in a command line or a settings file.
func ParseSMTP(raw string) (SMTP, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return SMTP{}, errs.Newf(errs.InvalidURL, "not a mail server address: give smtp://host:587 or smtps://host:465")
	}
	s := SMTP{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Implicit, s.Port = true, 465
	default:
		return SMTP{}, errs.Newf(errs.InvalidURL, "a mail server address starts with smtp:// (STARTTLS) or smtps:// (TLS)")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTP{}, errs.Newf(errs.InvalidURL, "the mail server's port %q is not a port", p)
		}
		s.Port = n
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return SMTP{}, errs.Newf(errs.InvalidURL, "the mail server address holds a password; give it in a file or the keychain instead")
		}
		s.User = u.User.Username()
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return SMTP{}, errs.Newf(errs.InvalidURL, "a mail server address has no path or query")
	}
	return s, nil
}

// String is the address without secrets.
func (s SMTP) String() string {
	scheme, user := "smtp", ""
	if s.Implicit {
		scheme = "smtps"
	}
	if s.User != "" {
		user = url.User(s.User).String() + "@"
	}
	return fmt.Sprintf("%s://%s%s", scheme, user, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
}

// IsLoopback says whether host is this computer.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Email sends team messages to a mail server.
type Email struct {
	// Server is the mail server; Password the user's (not in the address).
	Server   SMTP
	Password string
	From     string
	To       []string
	// Channel is the ledger's name for this recipient list.
	Channel string
	// TLS is the TLS configuration (nil: the system's roots).
	TLS *tls.Config
	// Dial replaces the network dial (tests reach a name that isn't
	// loopback this way); nil is the network.
	Dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	Timeout time.Duration
	Now     func() time.Time
	Loc     *time.Location
	// AlarmDays are the .ics alarms, days before the stop date.
	AlarmDays []int
}

// Name is the ledger's channel.
func (e Email) Name() string {
	if e.Channel == "" {
		return "email"
	}
	return e.Channel
}

// Where is what a person is told the message reached: the server's name.
func (e Email) Where() string { return e.Server.Host }

// Validate checks the settings without connecting.
func (e Email) Validate() error {
	if e.Server.Host == "" {
		return errs.New(errs.InvalidSetting, "no mail server")
	}
	m := mail.NewMsg()
	if err := m.From(e.From); err != nil || e.From == "" {
		return errs.Newf(errs.InvalidSetting, "the sender %q is not an e-mail address", e.From)
	}
	if len(e.To) == 0 {
		return errs.New(errs.InvalidSetting, "no recipients")
	}
	for _, to := range e.To {
		if err := m.To(to); err != nil {
			return errs.Newf(errs.InvalidSetting, "%q is not an e-mail address", to)
		}
	}
	if e.Server.User != "" && e.Password == "" {
		return errs.Newf(errs.InvalidSetting, "no password for the mail server's user %s", e.Server.User)
	}
	return nil
}

// policy is the TLS the connection must have: TLS from the start (smtps),
// or STARTTLS, required unless the server is this computer and no
// credentials are sent. Credentials never travel without TLS.
func (e Email) policy() mail.TLSPolicy {
	if e.Server.Implicit || e.Server.User != "" || !IsLoopback(e.Server.Host) {
		return mail.TLSMandatory
	}
	return mail.TLSOpportunistic
}

// Send sends m as one message: text and HTML, UTF-8, the subject
// RFC 2047-encoded, with Message-ID and Date, and an .ics of the stop
// dates with alarms.
func (e Email) Send(ctx context.Context, m remind.TeamMessage) error {
	if err := e.Validate(); err != nil {
		return err
	}
	msg, err := e.message(m)
	if err != nil {
		return err
	}
	tlsConf := &tls.Config{ServerName: e.Server.Host, MinVersion: tls.VersionTLS12}
	if e.TLS != nil {
		tlsConf = e.TLS.Clone()
		if tlsConf.ServerName == "" {
			tlsConf.ServerName = e.Server.Host
		}
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(e.Server.Port), mail.WithTLSConfig(tlsConf), mail.WithTimeout(timeout),
		mail.WithTLSPolicy(e.policy())}
	if e.Server.Implicit {
		opts = append(opts, mail.WithSSL())
	}
	if e.Server.User != "" {
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(e.Server.User), mail.WithPassword(e.Password))
	}
	if e.Dial != nil {
		dial := e.Dial
		if e.Server.Implicit {
			dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := e.Dial(ctx, network, addr)
				if err != nil {
					return nil, err
				}
				tc := tls.Client(c, tlsConf)
				if err := tc.HandshakeContext(ctx); err != nil {
					c.Close()
					return nil, err
				}
				return tc, nil
			}
		}
		opts = append(opts, mail.WithDialContextFunc(dial))
	}
	c, err := mail.NewClient(e.Server.Host, opts...)
	if err != nil {
		return errs.Newf(errs.InvalidSetting, "the mail settings: %v", scrub(err.Error(), e.Password))
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return e.classify(err)
	}
	return nil
}

func (e Email) message(m remind.TeamMessage) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	if err := msg.From(e.From); err != nil {
		return nil, errs.Newf(errs.InvalidSetting, "the sender %q is not an e-mail address", e.From)
	}
	if err := msg.To(e.To...); err != nil {
		return nil, errs.Newf(errs.InvalidSetting, "a recipient is not an e-mail address: %v", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if ics := e.calendar(m); ics != nil {
		if err := msg.AttachReader("dpg-stops.ics", bytes.NewReader(ics),
			mail.WithFileContentType("text/calendar; charset=utf-8; method=PUBLISH")); err != nil {
			return nil, errs.Newf(errs.Internal, "the calendar attachment: %v", err)
		}
	}
	return msg, nil
}

// calendar is the calendar export (backend/report) of the items that
// have not stopped yet: an event on each stop date, with alarms at the
// lead times. Nil when every item has stopped.
func (e Email) calendar(m remind.TeamMessage) []byte {
	now := time.Now()
	if e.Now != nil {
		now = e.Now()
	}
	var files []certs.File
	for _, it := range m.Items {
		if it.Stopped() {
			continue
		}
		files = append(files, certs.File{Path: remind.ItemName(m.Lang, it), Certificate: &certs.Certificate{
			CommonName: it.Certificate, SHA1: it.SHA1, SHA256: it.SHA256, NotAfter: it.NotAfter}})
	}
	if len(files) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := report.ICS(&b, files, report.ICSOptions{Lang: m.Lang, Now: now, Location: e.Loc, AlarmDays: e.AlarmDays}); err != nil {
		return nil
	}
	return b.Bytes()
}

// classify turns go-mail's error into our vocabulary, with the server's
// answer (never the password) in the message.
func (e Email) classify(err error) error {
	msg := scrub(err.Error(), e.Password)
	var tp *textproto.Error
	var se *mail.SendError
	switch {
	case strings.Contains(msg, "STARTTLS") && strings.Contains(msg, "does not support"):
		return &errs.Error{Code: errs.MailTLSRequired, Message: fmt.Sprintf("%s offers no STARTTLS; nothing was sent", e.Server.Host)}
	case errors.Is(err, mail.ErrPlainAuthNotSupported) || errors.Is(err, mail.ErrLoginAuthNotSupported) ||
		strings.Contains(msg, "unencrypted connection") || strings.Contains(msg, "does not support SMTP AUTH"):
		return &errs.Error{Code: errs.MailAuthFailed, Message: fmt.Sprintf("%s: %s", e.Server.Host, msg)}
	case errors.As(err, &se):
		if se.IsTemp() {
			return &errs.Error{Code: errs.MailFailed, Message: fmt.Sprintf("%s answered: %s", e.Server.Host, msg)}
		}
		return &errs.Error{Code: errs.MailRefused, Message: fmt.Sprintf("%s answered: %s", e.Server.Host, msg)}
	case errors.As(err, &tp) && (tp.Code == 535 || tp.Code == 534 || tp.Code == 530 || tp.Code == 538):
		return &errs.Error{Code: errs.MailAuthFailed, Message: fmt.Sprintf("%s answered: %d %s", e.Server.Host, tp.Code, scrub(tp.Msg, e.Password))}
	case errors.As(err, &tp) && tp.Code >= 500:
		return &errs.Error{Code: errs.MailRefused, Message: fmt.Sprintf("%s answered: %d %s", e.Server.Host, tp.Code, scrub(tp.Msg, e.Password))}
	}
	return &errs.Error{Code: errs.MailFailed, Message: fmt.Sprintf("%s: %s", e.Server.Host, msg)}
}

// scrub keeps a secret out of a text that may reach a log or a screen.
func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "***")
}
