package remind

import (
	"fmt"
	"html"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"dpgcerts/backend/i18n"
	"dpgcerts/backend/overview"
)

// DefaultLeadDays are the lead times of the team's reminders: this many days
// before an integration stops, then daily while it is stopped.
var DefaultLeadDays = []int{90, 30, 14, 7, 3, 1, 0}

// Item is an integration the team is told about, at a lead time.
type Item struct {
	IntegrationID string         `json:"integrationId"`
	Kind          string         `json:"kind"`
	Name          string         `json:"name"`
	State         overview.State `json:"state"`
	// The active certificate: its name and thumbprints, and when it (and
	// the integration with it) stops.
	Certificate string    `json:"certificate"`
	SHA1        string    `json:"sha1"`
	SHA256      string    `json:"sha256"`
	NotAfter    time.Time `json:"notAfter"`
	DaysLeft    int       `json:"daysLeft"`
	// NextStep is what to do; Successor names the renewal it is about.
	NextStep  overview.Step `json:"nextStep"`
	Successor string        `json:"successor,omitempty"`
	// Step is the lead time this item is told at: "90" ... "0", or
	// "stopped:YYYY-MM-DD" for each day while the integration is stopped.
	Step string `json:"step"`
}

// Key is the item's ledger key: the integration with this certificate, so
// a renewed one starts its lead times afresh.
func (it Item) Key() string { return "team:" + it.IntegrationID + ":" + it.SHA256 }

// Stopped says whether the integration has stopped.
func (it Item) Stopped() bool {
	return it.State == overview.StateExpired || it.State == overview.StateRevoked || it.DaysLeft < 0
}

// LeadStep is the lead time an integration with daysLeft is at: the
// smallest lead that daysLeft has reached, or the day for a stopped one.
// ok is false while no lead time is reached. A run that missed steps (the
// PC was off) lands on the most urgent one only.
func LeadStep(daysLeft int, stopped bool, leads []int, day string) (string, bool) {
	if stopped || daysLeft < 0 {
		return "stopped:" + day, true
	}
	best := -1
	for _, l := range leads {
		if daysLeft <= l && (best < 0 || l < best) {
			best = l
		}
	}
	if best < 0 {
		return "", false
	}
	return strconv.Itoa(best), true
}

// TeamItems lists the integrations of ov at a lead time on day, the most
// urgent first. An integration without a certificate has no stop date to
// count down to: the window and monitoring show it.
func TeamItems(ov overview.Overview, leads []int, day string) []Item {
	sha1 := map[string]string{}
	for _, c := range ov.Certificates {
		sha1[c.SHA256] = c.SHA1
	}
	var out []Item
	for _, i := range ov.Integrations {
		c := i.Certificate
		if c == nil {
			continue
		}
		stopped := i.State == overview.StateExpired || i.State == overview.StateRevoked
		step, ok := LeadStep(c.DaysLeft, stopped, leads, day)
		if !ok {
			continue
		}
		it := Item{IntegrationID: i.ID, Kind: i.Kind, Name: i.Name, State: i.State, Certificate: c.CommonName,
			SHA1: sha1[c.SHA256], SHA256: c.SHA256, NotAfter: c.NotAfter, DaysLeft: c.DaysLeft, NextStep: i.NextStep, Step: step}
		if s := i.Successor; s != nil {
			it.Successor = s.CommonName
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(a, b int) bool { return urgency(out[a]) < urgency(out[b]) })
	return out
}

func urgency(it Item) int {
	if it.State == overview.StateRevoked {
		return -1 << 30
	}
	return it.DaysLeft
}

// ParseLeadDays reads "90,30,14,7,3,1,0": whole days, 0 to 365, each once,
// returned from the longest to the shortest.
func ParseLeadDays(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > 365 {
			return nil, fmt.Errorf("a lead time must be a whole number of days from 0 to 365, not %q", f)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no lead times in %q", s)
	}
	slices.SortFunc(out, func(a, b int) int { return b - a })
	return out, nil
}

// TeamMessage is one message to the team, in one language: the same
// content as a subject, text and HTML (mail) and as items (webhooks).
type TeamMessage struct {
	Lang    string `json:"lang"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"-"`
	Items   []Item `json:"items"`
	// Digest: the weekly state of every integration, not a reminder.
	Digest bool `json:"digest,omitempty"`
}

// SubjectPrefix starts every subject, for the team's mail rules.
const SubjectPrefix = "[DPG] "

// FormatDate is "8 Dec 2026" in English and "8. dec. 2026" in Danish.
func FormatDate(lang string, t time.Time) string {
	if lang == "da" {
		months := []string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."}
		return fmt.Sprintf("%d. %s %d", t.Day(), months[t.Month()-1], t.Year())
	}
	return t.Format("2 Jan 2006")
}

// ItemName is the integration by kind and name, as the messages say it.
func ItemName(lang string, it Item) string { return IntegrationName(lang, it.Kind, it.Name) }

// ItemSubject is the subject line's words for it (without the prefix).
func ItemSubject(lang string, it Item, loc *time.Location) string {
	args := map[string]any{"name": ItemName(lang, it), "date": FormatDate(lang, it.NotAfter.In(loc))}
	switch {
	case it.State == overview.StateRevoked:
		return i18n.Format(lang, "teamMail.subject.revoked", args)
	case it.Stopped():
		return i18n.Format(lang, "teamMail.subject.stopped", args)
	case it.DaysLeft == 0:
		return i18n.Format(lang, "teamMail.subject.today", args)
	}
	return i18n.Plural(lang, "teamMail.subject.stops", it.DaysLeft, args)
}

// ItemLines are the lines that tell one item: when it stops, its
// certificate, what stops with it, and the next step with its short steps.
func ItemLines(lang string, it Item, loc *time.Location) (when, cert, what, next string, steps []string) {
	at := it.NotAfter.In(loc)
	args := map[string]any{"date": FormatDate(lang, at), "time": at.Format("15:04")}
	switch {
	case it.State == overview.StateRevoked:
		when = i18n.T(lang, "teamMail.when.revoked")
	case it.Stopped():
		when = i18n.Plural(lang, "teamMail.when.stopped", -it.DaysLeft, args)
	case it.DaysLeft == 0:
		when = i18n.Format(lang, "teamMail.when.today", args)
	default:
		when = i18n.Plural(lang, "teamMail.when.stops", it.DaysLeft, args)
	}
	cert = i18n.Format(lang, "teamMail.certificate", map[string]any{"name": it.Certificate, "sha1": strings.ToUpper(it.SHA1)})
	switch it.Kind {
	case "exchange_online", "digital_post", "mit_dk", "secure_mail":
		what = i18n.T(lang, "teamMail.what."+it.Kind)
	default:
		what = i18n.T(lang, "teamMail.what.anyKind")
	}
	if it.NextStep != "" && it.NextStep != overview.StepNone {
		next = i18n.Format(lang, "teamMail.next."+string(it.NextStep), map[string]any{"successor": it.Successor})
		switch it.NextStep {
		case overview.StepRenew, overview.StepInstallAndActivate, overview.StepRegisterEntra, overview.StepActivate:
			key := string(it.NextStep)
			if it.Kind == "exchange_online" && it.NextStep == overview.StepInstallAndActivate {
				key = "exchange_online" // three steps: Entra between install and activation
			}
			steps = strings.Split(i18n.T(lang, "teamMail.steps."+key), "\n")
			if it.Kind == "exchange_online" && it.NextStep == overview.StepRenew {
				steps = append(steps, i18n.T(lang, "teamMail.steps.entra"))
			}
		}
	}
	return when, cert, what, next, steps
}

// ComposeTeam words items (not empty, the most urgent first) as one
// message in lang; times are in loc. Its subject names the most urgent.
func ComposeTeam(lang string, items []Item, loc *time.Location) TeamMessage {
	subject := ItemSubject(lang, items[0], loc)
	if len(items) > 1 {
		subject = i18n.Plural(lang, "teamMail.subject.more", len(items)-1, map[string]any{"subject": subject})
	}
	var t, h strings.Builder
	intro := i18n.Plural(lang, "teamMail.intro", len(items), nil)
	t.WriteString(intro + "\n")
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n"+
		"<body style=\"font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#1f2328\">\n<p>%s</p>\n",
		lang, esc(SubjectPrefix+subject), esc(intro))
	for _, it := range items {
		when, cert, what, next, steps := ItemLines(lang, it, loc)
		name := ItemName(lang, it)
		fmt.Fprintf(&t, "\n%s\n%s\n%s\n%s\n%s\n", name, strings.Repeat("-", len([]rune(name))), when, cert, what)
		fmt.Fprintf(&h, "<h2 style=\"font-size:16px;margin:20px 0 4px\">%s</h2>\n<p style=\"margin:2px 0\"><b>%s</b></p>\n"+
			"<p style=\"margin:2px 0\">%s</p>\n<p style=\"margin:2px 0\">%s</p>\n", esc(name), esc(when), esc(cert), esc(what))
		if next != "" {
			fmt.Fprintf(&t, "%s\n", next)
			fmt.Fprintf(&h, "<p style=\"margin:6px 0 2px\"><b>%s</b></p>\n", esc(next))
		}
		if len(steps) > 0 {
			h.WriteString("<ol style=\"margin:2px 0\">\n")
			for n, s := range steps {
				fmt.Fprintf(&t, "  %d. %s\n", n+1, s)
				fmt.Fprintf(&h, "<li>%s</li>\n", esc(s))
			}
			h.WriteString("</ol>\n")
		}
	}
	cal, footer := i18n.T(lang, "teamMail.calendar"), i18n.T(lang, "teamMail.footer")
	fmt.Fprintf(&t, "\n%s\n\n-- \n%s\n", cal, footer)
	fmt.Fprintf(&h, "<p>%s</p>\n<p style=\"color:#656d76;font-size:12px\">%s</p>\n</body></html>\n", esc(cal), esc(footer))
	return TeamMessage{Lang: lang, Subject: SubjectPrefix + subject, Text: t.String(), HTML: h.String(), Items: items}
}

// ComposeDigest is the weekly message with every integration's state.
func ComposeDigest(lang string, ov overview.Overview, loc *time.Location) TeamMessage {
	subject := SubjectPrefix + i18n.T(lang, "teamMail.subject.digest")
	intro := i18n.T(lang, "teamMail.digestIntro")
	var t, h strings.Builder
	t.WriteString(intro + "\n\n")
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n"+
		"<body style=\"font-family:Segoe UI,Arial,sans-serif;font-size:14px\">\n<p>%s</p>\n<ul>\n", lang, esc(subject), esc(intro))
	for _, i := range ov.Integrations {
		date := ""
		if i.Certificate != nil {
			date = FormatDate(lang, i.Certificate.NotAfter.In(loc))
		}
		state := i18n.Format(lang, "teamMail.state."+string(i.State), map[string]any{"date": date})
		name := IntegrationName(lang, i.Kind, i.Name)
		fmt.Fprintf(&t, "- %s: %s\n", name, state)
		fmt.Fprintf(&h, "<li><b>%s</b>: %s</li>\n", esc(name), esc(state))
	}
	footer := i18n.T(lang, "teamMail.footer")
	fmt.Fprintf(&t, "\n-- \n%s\n", footer)
	fmt.Fprintf(&h, "</ul>\n<p style=\"color:#656d76;font-size:12px\">%s</p>\n</body></html>\n", esc(footer))
	return TeamMessage{Lang: lang, Subject: subject, Text: t.String(), HTML: h.String(), Digest: true}
}

// ComposeTest is the message "Send a test message" sends.
func ComposeTest(lang string) TeamMessage {
	body := i18n.T(lang, "teamMail.test.body")
	return TeamMessage{Lang: lang, Subject: i18n.T(lang, "teamMail.test.subject"), Text: body + "\n",
		HTML: "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"></head><body><p>" + esc(body) + "</p></body></html>\n"}
}

func esc(s string) string { return html.EscapeString(s) }
