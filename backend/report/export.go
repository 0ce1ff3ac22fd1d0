// Package report writes the overview of certificate files for other tools:
// CSV for Excel, JSON in the shape of `dpgcerts scan --json`, and an iCalendar
// file with a reminder before each expiry. It is pure: the caller opens the
// file and chooses the language, "now" and the warning window.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/overview"
)

// Report is the JSON export: the same object `dpgcerts scan --json` prints.
type Report struct {
	ScannedAt time.Time    `json:"scannedAt"`
	WarnDays  int          `json:"warnDays"`
	Files     []certs.File `json:"files"`
	// Replaced are the files' certificates that are replaced: the export
	// adds replacedBy and replacedAt to each of their files.
	Replaced Replacements `json:"-"`
}

// Replacement says which certificate replaced one, and since when
// (overview.Certificate's ReplacedBy and ReplacedAt).
type Replacement struct {
	By string
	At time.Time
}

// Replacements are by the replaced certificate's lower-case SHA-256.
type Replacements map[string]Replacement

// ReplacementsOf are the replaced certificates of the window's list.
func ReplacementsOf(l overview.List) Replacements {
	out := Replacements{}
	for _, r := range l.Rows {
		if r.ReplacedBy != "" {
			out[strings.ToLower(r.Key)] = Replacement{By: r.ReplacedBy, At: r.ReplacedAt}
		}
	}
	return out
}

// of is the replacement of the file's certificate, if it is replaced.
func (rs Replacements) of(f certs.File) (Replacement, bool) {
	if f.Certificate == nil {
		return Replacement{}, false
	}
	r, ok := rs[strings.ToLower(f.Certificate.SHA256)]
	return r, ok
}

// exportFile is a file of the JSON export: the scan's fields, and, when its
// certificate is replaced, by which one and since when.
type exportFile struct {
	certs.File
	ReplacedBy string    `json:"replacedBy,omitempty"`
	ReplacedAt time.Time `json:"replacedAt,omitzero"`
}

// JSON writes the report, indented for people; the field names are the
// CLI's, plus replacedBy and replacedAt on the files of a replaced
// certificate.
func JSON(w io.Writer, r Report) error {
	files := make([]exportFile, 0, len(r.Files))
	for _, f := range r.Files {
		e := exportFile{File: f}
		if rp, ok := r.Replaced.of(f); ok {
			e.ReplacedBy, e.ReplacedAt = rp.By, rp.At
		}
		files = append(files, e)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		ScannedAt time.Time    `json:"scannedAt"`
		WarnDays  int          `json:"warnDays"`
		Files     []exportFile `json:"files"`
	}{r.ScannedAt, r.WarnDays, files})
}

// bom makes Excel read the file as UTF-8, so æ, ø and å survive.
const bom = "\ufeff"

// Delimiter is the CSV separator Excel expects in lang: Danish Excel uses the
// comma as decimal mark and so splits on semicolons.
func Delimiter(lang string) rune {
	if lang == "da" {
		return ';'
	}
	return ','
}

// DateLayout is how a date is written in lang: 26.11.2026 in Danish, ISO
// 8601 in English (Excel reads it in any locale).
func DateLayout(lang string) string {
	if lang == "da" {
		return "02.01.2006"
	}
	return "2006-01-02"
}

// csvColumns are the header message ids, in column order.
var csvColumns = []string{"name", "organization", "cvr", "email", "expires", "daysLeft", "status", "oces", "sha1", "sha256", "file", "problem",
	"replacedBy", "replacedAt"}

// CSV writes one row per file, with a translated header and statuses, dates
// in lang's format, and a UTF-8 byte order mark for Excel. The last two
// columns say which certificate replaced the file's (its SHA-256), and
// since when; empty when it is not replaced.
func CSV(w io.Writer, files []certs.File, replaced Replacements, lang string, loc *time.Location) error {
	if loc == nil {
		loc = time.Local
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = Delimiter(lang)
	cw.UseCRLF = true // what Excel writes, and reads best
	header := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		header[i] = i18n.T(lang, "export.columns."+c)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, f := range files {
		row := make([]string, len(csvColumns))
		if c := f.Certificate; c != nil {
			row[0] = c.CommonName
			row[1] = c.Organization
			row[2] = c.CVR
			row[3] = c.Email
			row[4] = c.NotAfter.In(loc).Format(DateLayout(lang))
			row[5] = strconv.Itoa(c.DaysLeft)
			row[7] = strings.ToUpper(c.OCES)
			row[8] = strings.ToUpper(c.SHA1)
			row[9] = strings.ToUpper(c.SHA256)
		}
		row[6] = i18n.T(lang, "status."+string(f.Status))
		row[10] = f.Path
		if f.Error != nil {
			row[11] = i18n.T(lang, "errors."+f.Error.Code)
		}
		if rp, ok := replaced.of(f); ok {
			row[12] = strings.ToUpper(rp.By)
			row[13] = rp.At.In(loc).Format(DateLayout(lang))
		}
		for i := range row {
			if i != 5 {
				row[i] = defuse(row[i])
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula: a name or
// path taken from a certificate file is not to be trusted.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ICSOptions are the calendar export's inputs besides the files.
type ICSOptions struct {
	Lang     string
	Now      time.Time // DTSTAMP
	WarnDays int       // the reminder comes this many days before expiry
	Location *time.Location
	// Replaced certificates get no event: their expiry is no longer news.
	Replaced Replacements
	// AlarmDays, when set, are the reminders instead: one alarm this
	// many days before expiry each (the team's lead times).
	AlarmDays []int
}

// ICS writes an iCalendar file with one all-day event on the expiry date of
// each certificate that has not expired yet and is not replaced, each with
// a reminder WarnDays before. A certificate found in several files gets one
// event.
func ICS(w io.Writer, files []certs.File, o ICSOptions) error {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.WarnDays <= 0 {
		o.WarnDays = certs.DefaultWarnDays
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//DPG//DPG Certificates//" + strings.ToUpper(o.Lang))
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + text(i18n.T(o.Lang, "export.calendarName")))
	stamp := o.Now.UTC().Format("20060102T150405Z")
	seen := map[string]bool{}
	for _, f := range files {
		c := f.Certificate
		if c == nil || !c.NotAfter.After(o.Now) || seen[c.SHA256] {
			continue
		}
		if _, ok := o.Replaced.of(f); ok {
			continue
		}
		seen[c.SHA256] = true
		name := c.CommonName
		if name == "" {
			name = c.Subject
		}
		day := c.NotAfter.In(o.Location)
		summary := i18n.Format(o.Lang, "export.eventSummary", map[string]any{"name": name})
		desc := i18n.Format(o.Lang, "export.eventDescription", map[string]any{
			"name": name, "organization": c.Organization, "cvr": c.CVR,
			"expires": day.Format(DateLayout(o.Lang) + " 15:04"), "sha1": strings.ToUpper(c.SHA1), "file": f.Path,
		})
		line("BEGIN:VEVENT")
		line("UID:" + c.SHA256 + "@dpgcerts")
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
		line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + text(summary))
		line("DESCRIPTION:" + text(desc))
		line("TRANSP:TRANSPARENT")
		alarms := o.AlarmDays
		if len(alarms) == 0 {
			alarms = []int{o.WarnDays}
		}
		for _, d := range alarms {
			line("BEGIN:VALARM")
			line("ACTION:DISPLAY")
			line("DESCRIPTION:" + text(summary))
			line(fmt.Sprintf("TRIGGER:-P%dD", d))
			line("END:VALARM")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

// text escapes an iCalendar TEXT value (RFC 5545 3.3.11).
func text(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 character (RFC 5545 3.1).
func fold(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	return b.String()
}
