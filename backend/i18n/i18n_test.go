package i18n

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"dpgcerts/locales"
)

func TestT(t *testing.T) {
	tests := []struct {
		name, lang, id, want string
	}{
		{"english status", "en", "status.valid", "Valid"},
		{"danish status", "da", "status.valid", "Gyldig"},
		{"danish expiring", "da", "status.expiring", "Udløber snart"},
		{"danish error code", "da", "errors.password_required", "Filen er beskyttet med en adgangskode, som ingen af de kendte adgangskoder kan åbne."},
		{"unknown language falls back to english", "de", "status.expired", "Expired"},
		{"unknown id returns the id", "da", "no.such.key", "no.such.key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := T(tt.lang, tt.id); got != tt.want {
				t.Errorf("T(%q, %q) = %q, want %q", tt.lang, tt.id, got, tt.want)
			}
		})
	}
}

// Every key in the JSON must come back unchanged through go-i18n: this
// catches keys go-i18n reserves ("other", "description"...) and template
// syntax that would change the text.
func TestEveryMessageRoundTrips(t *testing.T) {
	c, err := Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Supported() {
		msgs := c.Messages(lang)
		if len(msgs) == 0 {
			t.Fatalf("%s: no messages", lang)
		}
		for id, want := range msgs {
			// A plural form comes back through Plural, for a count of its form.
			if parent, form, ok := pluralForm(id); ok {
				n := map[string]int{"one": 1, "other": 5}[form]
				if got, w := c.Plural(lang, parent, n, nil), strings.ReplaceAll(want, "{count}", fmt.Sprint(n)); got != w {
					t.Errorf("%s %s: Plural(%d) = %q, want %q", lang, id, n, got, w)
				}
				continue
			}
			if got := c.T(lang, id); got != want {
				t.Errorf("%s %s: T = %q, want %q", lang, id, got, want)
			}
		}
	}
}

// pluralForm splits "remind.expiring.one" into its message and plural form.
// English and Danish have two forms, one and other.
func pluralForm(id string) (parent, form string, ok bool) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return "", "", false
	}
	switch id[i+1:] {
	case "one", "other":
		return id[:i], id[i+1:], true
	}
	return "", "", false
}

// TestPlural: go-i18n picks a form of the converted messages as the
// frontend does.
func TestPlural(t *testing.T) {
	exo := map[string]any{"name": "Exchange Online"}
	for _, tt := range []struct {
		lang, key string
		n         int
		args      map[string]any
		want      string
	}{
		{"en", "remind.expiring", 1, exo, "Exchange Online: the certificate expires in 1 day."},
		{"en", "remind.expiring", 5, exo, "Exchange Online: the certificate expires in 5 days."},
		{"da", "remind.expiring", 1, exo, "Exchange Online: certifikatet udløber om 1 dag."},
		{"da", "remind.expiring", 12, exo, "Exchange Online: certifikatet udløber om 12 dage."},
		{"en", "scan.read", 1, map[string]any{"n": 1}, "1 file read."},
		{"en", "scan.read", 0, map[string]any{"n": 0}, "0 files read."},
		{"da", "scan.read", 1, map[string]any{"n": 1}, "1 fil læst."},
		{"da", "scan.read", 7, map[string]any{"n": 7}, "7 filer læst."},
	} {
		if got := Plural(tt.lang, tt.key, tt.n, tt.args); got != tt.want {
			t.Errorf("Plural(%s, %s, %d) = %q, want %q", tt.lang, tt.key, tt.n, got, tt.want)
		}
	}
}

func TestFallbackToEnglish(t *testing.T) {
	fsys := fstest.MapFS{
		"en.json": {Data: []byte(`{"a": {"b": "English B", "c": "English C"}}`)},
		"da.json": {Data: []byte(`{"a": {"b": "Dansk B"}}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("da", "a.c"); got != "English C" {
		t.Errorf("T(da, a.c) = %q, want the English text", got)
	}
	got := c.Messages("da")
	if got["a.b"] != "Dansk B" || got["a.c"] != "English C" {
		t.Errorf("Messages(da) = %v", got)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"missing file", fstest.MapFS{"en.json": {Data: []byte(`{}`)}}, "da.json"},
		{"bad json", fstest.MapFS{"en.json": {Data: []byte(`{`)}, "da.json": {Data: []byte(`{}`)}}, "en.json"},
		{"number leaf", fstest.MapFS{"en.json": {Data: []byte(`{"a": 1}`)}, "da.json": {Data: []byte(`{}`)}}, "en.json"},
		{"reserved key mixed", fstest.MapFS{"en.json": {Data: []byte(`{"a": {"other": "x", "b": "y"}}`)}, "da.json": {Data: []byte(`{}`)}}, "en.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	fsys := fstest.MapFS{
		"en.json": {Data: []byte(`{"days": "{count} days left for {name}"}`)},
		"da.json": {Data: []byte(`{"days": "{count} dage tilbage for {name}"}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Format("da", "days", map[string]any{"count": 12, "name": "DPG"})
	if want := "12 dage tilbage for DPG"; got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
}

func TestFlatten(t *testing.T) {
	got, err := Flatten([]byte(`{"a": {"b": {"c": "x"}, "d": "y"}, "e": "z"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.b.c": "x", "a.d": "y", "e": "z"}
	if len(got) != len(want) {
		t.Fatalf("Flatten = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Flatten[%q] = %q, want %q", k, got[k], v)
		}
	}
}
