package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func sample() []certs.File {
	return []certs.File{
		{
			Path:   "/certs/ærø kommune.p12",
			Format: certs.FormatPKCS12,
			Status: certs.StatusExpiring,
			Certificate: &certs.Certificate{
				CommonName: "post@aeroe.dk", Organization: "Ærø Kommune", CVR: "29189730", Email: "post@aeroe.dk",
				NotAfter: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC), DaysLeft: 14,
				SHA1: "ab12", SHA256: "cd34", OCES: "oces3",
			},
			Chain: []certs.Certificate{},
		},
		{
			Path:   "/certs/locked.p12",
			Format: certs.FormatPKCS12,
			Status: certs.StatusLocked,
			Error:  &errs.Error{Code: errs.PasswordRequired, Message: "Locked."},
		},
		{
			Path:   "/certs/=evil.pem",
			Status: certs.StatusExpired,
			Certificate: &certs.Certificate{
				CommonName: "=HYPERLINK(\"x\")", NotAfter: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), DaysLeft: -329,
				SHA1: "ef56", SHA256: "0789",
			},
		},
	}
}

func TestCSV(t *testing.T) {
	tests := []struct {
		lang       string
		comma      rune
		header0    string
		expires    string
		status     string
		lockedMsg  string
		replacedAt string
	}{
		{"da", ';', "Navn", "10.12.2026", "Udløber snart", "Filen er beskyttet", "24.12.2025"},
		{"en", ',', "Name", "2026-12-10", "Expiring soon", "The file is protected", "2025-12-24"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			var b bytes.Buffer
			// The expired "=evil" certificate is replaced.
			replaced := Replacements{"0789": {By: "ab99", At: time.Date(2025, 12, 24, 9, 0, 0, 0, time.UTC)}}
			if err := CSV(&b, sample(), replaced, tt.lang, time.UTC); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.HasPrefix(out, "\ufeff") {
				t.Fatal("no UTF-8 byte order mark")
			}
			if !strings.Contains(out, "\r\n") {
				t.Error("rows do not end in CRLF")
			}
			r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
			r.Comma = tt.comma
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 {
				t.Fatalf("got %d rows, want a header and 3", len(rows))
			}
			if rows[0][0] != tt.header0 {
				t.Errorf("header = %q, want %q", rows[0][0], tt.header0)
			}
			first := rows[1]
			if first[1] != "Ærø Kommune" || first[4] != tt.expires || first[5] != "14" || first[6] != tt.status {
				t.Errorf("row = %q", first)
			}
			if first[8] != "AB12" || first[9] != "CD34" {
				t.Errorf("thumbprints not upper-case: %q %q", first[8], first[9])
			}
			if !strings.HasPrefix(rows[2][11], tt.lockedMsg) {
				t.Errorf("problem = %q", rows[2][11])
			}
			if rows[3][0] != `'=HYPERLINK("x")` || rows[3][10] != "/certs/=evil.pem" {
				t.Errorf("a formula was not defused: %q", rows[3])
			}
			if rows[3][5] != "-329" {
				t.Errorf("negative days were changed: %q", rows[3][5])
			}
			if len(rows[0]) != 14 || rows[3][12] != "AB99" || rows[3][13] != tt.replacedAt || rows[1][12] != "" || rows[1][13] != "" {
				t.Errorf("replaced by, since: header %q, replaced %q, not replaced %q", rows[0], rows[3][12:], rows[1][12:])
			}
		})
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "=1+1": "'=1+1", "+45": "'+45", "-x": "'-x", "@SUM": "'@SUM", "a=b": "a=b"} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONShape pins the report to the fields of `dpgcerts scan --json`.
func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, Report{ScannedAt: now, WarnDays: 30, Files: sample()[:1]}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["scannedAt"] != "2026-11-26T12:00:00Z" || got["warnDays"] != float64(30) {
		t.Errorf("report = %v", got)
	}
	file := got["files"].([]any)[0].(map[string]any)
	for _, k := range []string{"path", "format", "status", "hasPrivateKey", "keyMatchesCertificate", "certificate", "chain"} {
		if _, ok := file[k]; !ok {
			t.Errorf("file has no %q", k)
		}
	}
	cert := file["certificate"].(map[string]any)
	var keys []string
	for k := range cert {
		keys = append(keys, k)
	}
	want := []string{"subject", "commonName", "organization", "cvr", "uuid", "email", "issuer", "serialNumber",
		"notBefore", "notAfter", "daysLeft", "sha1", "sha256", "keyAlgorithm", "signatureAlgorithm", "isCA", "oces"}
	if len(keys) != len(want) {
		t.Errorf("certificate fields = %v, want %v", keys, want)
	}
	if strings.Contains(b.String(), `\u00c6`) {
		t.Error("Æ was escaped")
	}

	if _, ok := file["replacedBy"]; ok {
		t.Errorf("a file whose certificate is not replaced has replacedBy: %v", file)
	}

	// A replaced certificate's files say by which, and since when.
	b.Reset()
	at := time.Date(2025, 12, 24, 9, 0, 0, 0, time.UTC)
	if err := JSON(&b, Report{ScannedAt: now, Files: sample(), Replaced: Replacements{"cd34": {By: "ab99", At: at}}}); err != nil {
		t.Fatal(err)
	}
	var withReplaced struct {
		Files []struct {
			Path       string     `json:"path"`
			ReplacedBy string     `json:"replacedBy"`
			ReplacedAt *time.Time `json:"replacedAt"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b.Bytes(), &withReplaced); err != nil {
		t.Fatal(err)
	}
	if f := withReplaced.Files[0]; f.ReplacedBy != "ab99" || f.ReplacedAt == nil || !f.ReplacedAt.Equal(at) {
		t.Errorf("replaced file: %+v", f)
	}
	if f := withReplaced.Files[1]; f.ReplacedBy != "" || f.ReplacedAt != nil {
		t.Errorf("a locked file: %+v", f)
	}

	b.Reset()
	if err := JSON(&b, Report{ScannedAt: now}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"files": []`) {
		t.Errorf("no files is not an empty list: %s", b.String())
	}
}

func TestICS(t *testing.T) {
	files := sample()
	files = append(files, files[0]) // the same certificate in a second file
	var b bytes.Buffer
	if err := ICS(&b, files, ICSOptions{Lang: "da", Now: now, WarnDays: 30, Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("bare LF in %q", line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	if n := strings.Count(unfolded, "BEGIN:VEVENT"); n != 1 {
		t.Errorf("%d events, want 1 (expired and duplicate certificates left out)", n)
	}
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "DTSTART;VALUE=DATE:20261210\r\n", "DTEND;VALUE=DATE:20261211\r\n",
		"TRIGGER:-P30D\r\n", "BEGIN:VALARM\r\n", "ACTION:DISPLAY\r\n", "UID:cd34@dpgcerts\r\n",
		"DTSTAMP:20261126T120000Z\r\n", "SUMMARY:Certifikat udløber: post@aeroe.dk\r\n",
		`(Ærø Kommune\, CVR 29189730)`, "END:VCALENDAR\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q in\n%s", want, unfolded)
		}
	}
}

// A replaced certificate's expiry is no longer news: no event.
func TestICSLeavesOutReplaced(t *testing.T) {
	var b bytes.Buffer
	if err := ICS(&b, sample(), ICSOptions{Lang: "en", Now: now, WarnDays: 30, Location: time.UTC,
		Replaced: Replacements{"cd34": {By: "ab99", At: now}}}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "BEGIN:VEVENT"); n != 0 {
		t.Errorf("%d events, want none", n)
	}
}

func TestFold(t *testing.T) {
	long := strings.Repeat("æ", 100) // 200 octets
	got := fold("X:" + long)
	for _, line := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets", len(line))
		}
	}
	if strings.ReplaceAll(strings.TrimSuffix(got, "\r\n"), "\r\n ", "") != "X:"+long {
		t.Error("folding lost text")
	}
}

func TestText(t *testing.T) {
	if got := text("a,b;c\\d\ne"); got != `a\,b\;c\\d\ne` {
		t.Errorf("text = %q", got)
	}
}
