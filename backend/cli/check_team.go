package cli

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/channels"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// teamFlags are check's flags for the team's channels.
type teamFlags struct {
	mailTo, mailFrom, mailLang, smtp, smtpPasswordFile *string
	webhook, webhookFormat, leadDays                   *string
	digest                                             *bool
	set                                                map[string]bool
}

// channelFlagNames name the team's channels: with any of them, the
// channels come from the command line (and --config) alone. The other
// team flags (sender, language, lead times, digest, the password file)
// change the channels in effect, the saved ones too.
var channelFlagNames = []string{"mail-to", "smtp", "webhook"}

var teamFlagNames = []string{"mail-to", "mail-from", "mail-lang", "smtp", "smtp-password-file", "webhook", "webhook-format", "lead-days", "digest"}

func addTeamFlags(fs *flag.FlagSet) *teamFlags {
	return &teamFlags{
		mailTo:           fs.String("mail-to", "", "e-mail the team at `ADDR[,ADDR...]`: what stops, at each lead time"),
		mailFrom:         fs.String("mail-from", "", "the sender `ADDR` of the e-mail"),
		mailLang:         fs.String("mail-lang", "", "the `language` of the e-mail and webhook messages, da or en (default: the app's)"),
		smtp:             fs.String("smtp", "", "the mail server: smtp://[user@]host[:587] (STARTTLS, required unless loopback) or smtps://[user@]host[:465] (`URL`)"),
		smtpPasswordFile: fs.String("smtp-password-file", "", "read the mail server user's password from `FILE` (mode 600; also $CREDENTIALS_DIRECTORY/smtp-password, else the keychain)"),
		webhook:          fs.String("webhook", "", "post the reminders to the webhook at `URL` (https://; http:// only on loopback)"),
		webhookFormat:    fs.String("webhook-format", "", "the webhook's `FORMAT`: teams (a Workflows webhook, an Adaptive Card), slack or json (default teams)"),
		leadDays:         fs.String("lead-days", "", "tell the team this many `DAYS` before an integration stops (default 90,30,14,7,3,1,0), then daily while it is stopped"),
		digest:           fs.Bool("digest", false, "also send a weekly digest of every integration's state"),
	}
}

// given notes which team flags the command line set: channels says that
// one names a channel (then the saved channels are not used), any that
// one of them is set (then a bad value is wrong usage).
func (t *teamFlags) given(fs *flag.FlagSet) (channels, any bool) {
	t.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { t.set[f.Name] = true })
	return slices.ContainsFunc(channelFlagNames, func(n string) bool { return t.set[n] }),
		slices.ContainsFunc(teamFlagNames, func(n string) bool { return t.set[n] })
}

// settings merges the command line over base (the config file's, or
// the saved ones when no channel flag is given).
func (t *teamFlags) settings(base remind.Settings) (remind.Settings, error) {
	s := base
	if t.set["mail-to"] {
		s.Email.To = remind.SplitAddresses(*t.mailTo)
	}
	if t.set["mail-from"] {
		s.Email.From = *t.mailFrom
	}
	if t.set["mail-lang"] {
		s.Email.Lang = *t.mailLang
	}
	if t.set["smtp"] {
		s.Email.SMTP = *t.smtp
	}
	if t.set["webhook"] {
		s.Webhook.URL, s.Webhook.HasURL = *t.webhook, false
	}
	if t.set["webhook-format"] {
		s.Webhook.Format = *t.webhookFormat
	}
	if t.set["lead-days"] {
		leads, err := remind.ParseLeadDays(*t.leadDays)
		if err != nil {
			return s, err
		}
		s.LeadDays = leads
	}
	if t.set["digest"] {
		s.Digest = *t.digest
	}
	if s.Webhook.Format == "" {
		s.Webhook.Format = "teams"
	}
	if s.Email.SMTP != "" || len(s.Email.To) > 0 {
		if s.Email.SMTP == "" || len(s.Email.To) == 0 || s.Email.From == "" {
			return s, fmt.Errorf("e-mail needs --smtp, --mail-to and --mail-from")
		}
		if _, err := channels.ParseSMTP(s.Email.SMTP); err != nil {
			return s, err
		}
	}
	if s.Webhook.URL != "" {
		if err := channels.CheckWebhookURL(s.Webhook.URL); err != nil {
			return s, err
		}
	}
	return s, s.Check()
}

// teamDeps are the doors of the team's channels, which tests replace.
type teamDeps struct {
	// tls is the mail server's TLS configuration (tests trust their CA).
	tls *tls.Config
	// dial replaces the mail server's network dial.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// http is the webhook's client; sleep its wait between attempts.
	http  *http.Client
	sleep func(ctx context.Context, d time.Duration) error
	// loc is the time zone of the messages (time.Local by default).
	loc *time.Location
}

// Routes builds the channels of s: the team's e-mail and webhook, and an
// e-mail per contact address. Secrets come from the files given, else
// $CREDENTIALS_DIRECTORY, else the keychain.
func teamRoutes(s remind.Settings, ov overview.Overview, lang, passwordFile string, rt config.Runtime, deps teamDeps) ([]remind.Route, error) {
	var routes []remind.Route
	loc := deps.loc
	if loc == nil {
		loc = time.Local
	}
	msgLang := lang
	if l := i18n.Normalize(s.Email.Lang); l != "" {
		msgLang = l
	}
	opts := channels.Options{TLS: deps.tls, Dial: deps.dial, HTTP: deps.http, Sleep: deps.sleep, Now: rt.Now, Loc: loc}
	if s.EmailOn() {
		server, err := channels.ParseSMTP(s.Email.SMTP)
		if err != nil {
			return nil, err
		}
		password := ""
		if server.User != "" {
			pw, ok, err := secrets.FromFileOrCredentials(passwordFile, secrets.CredentialSMTPPassword, rt.Getenv)
			if err != nil {
				return nil, err
			}
			if !ok && rt.Keychain {
				pw, _ = secrets.ChannelSecret(secrets.SMTPSecret(server.User, server.Host))
			}
			if pw == "" {
				return nil, errs.Newf(errs.InvalidSetting, "no password for %s: give --smtp-password-file FILE", server.String())
			}
			password = pw
		}
		team, err := channels.NewEmail(s, password, opts)
		if err != nil {
			return nil, err
		}
		routes = append(routes, remind.Route{Channel: team, Lang: msgLang, Digest: true})
		for addr, ids := range remind.Contacts(ov, s.Contacts) {
			if slices.ContainsFunc(s.Email.To, func(to string) bool { return sameAddress(to, addr) }) {
				continue // in the team: told about everything already
			}
			c := team
			c.To, c.Channel = []string{addr}, "email:"+strings.ToLower(addr)
			routes = append(routes, remind.Route{Channel: c, Lang: msgLang, Only: ids})
		}
	}
	if s.WebhookOn() {
		u := s.Webhook.URL
		if u == "" {
			if v, ok, err := secrets.FromFileOrCredentials("", secrets.CredentialWebhookURL, rt.Getenv); err != nil {
				return nil, err
			} else if ok {
				u = v
			} else if rt.Keychain {
				u, _ = secrets.ChannelSecret(secrets.SecretWebhookURL)
			}
		}
		if u == "" {
			return nil, errs.New(errs.InvalidSetting, "the webhook's address is not in the keychain: set it again in the window")
		}
		hook, err := channels.NewWebhook(s, u, opts)
		if err != nil {
			return nil, err
		}
		routes = append(routes, remind.Route{Channel: hook, Lang: msgLang, Digest: true})
	}
	return routes, nil
}

// sameAddress compares two addresses ("Name <a@x>" or "a@x") by mailbox.
func sameAddress(a, b string) bool {
	pa, errA := mail.ParseAddress(a)
	pb, errB := mail.ParseAddress(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	return strings.EqualFold(pa.Address, pb.Address)
}

// sendTeam sends what is due to each route and reports each delivery: on
// stdout what went out, on stderr (translated) what failed. It returns
// whether any failed.
func sendTeam(ctx context.Context, st *store.Store, rt config.Runtime, s remind.Settings, routes []remind.Route, ov overview.Overview,
	lang string, loc *time.Location, quiet bool, stdout, stderr io.Writer) ([]remind.Delivery, bool) {
	if loc == nil {
		loc = time.Local
	}
	t := remind.Team{St: st, Now: rt.Now, Loc: loc, Leads: s.Leads(), Digest: s.Digest}
	ds := t.Send(ctx, ov, routes)
	failed := false
	for _, d := range ds {
		if d.Err != nil {
			failed = true
			fmt.Fprintf(stderr, "dpgcerts check: %s\n", deliveryError(lang, d))
			continue
		}
		if !quiet {
			fmt.Fprintln(stdout, i18n.Format(lang, "reminders.sent", map[string]any{"where": d.Where, "subject": d.Subject}))
		}
	}
	return ds, failed
}

// deliveryError is a failed delivery in lang: the channel, the translated
// error, and the English detail (the server's answer).
func deliveryError(lang string, d remind.Delivery) string {
	code := errs.Code(d.Err)
	msg := i18n.T(lang, "errors."+code)
	detail := errs.Shown(d.Err).Message
	return i18n.Format(lang, "reminders.failed", map[string]any{"channel": d.Channel, "where": d.Where, "error": msg}) + " (" + code + ": " + detail + ")"
}
