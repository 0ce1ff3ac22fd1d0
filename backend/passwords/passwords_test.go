package passwords

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePasswords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty file", "", nil},
		{"one, final newline", "a\n", []string{"a"}},
		{"no final newline", "a\nb", []string{"a", "b"}},
		{"empty line is the empty password", "a\n\nb\n", []string{"a", "", "b"}},
		{"only an empty line", "\n", []string{""}},
		{"CRLF", "a\r\nb\r\n", []string{"a", "b"}},
		{"BOM and Danish letters", "\ufeffBlåbærgrød\n", []string{"Blåbærgrød"}},
		{"spaces are kept", " a b \n", []string{" a b "}},
		{"duplicates once", "a\na\n", []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("Parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := Parse([]byte{0xff, 0xfe, 'a'}); err == nil {
		t.Error("a file that is not UTF-8 is accepted")
	}
}

func FuzzParsePasswords(f *testing.F) {
	f.Add([]byte("a\r\n\nBlåbær\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(data)
		if err != nil {
			return
		}
		for _, p := range got {
			if strings.Contains(p, "\n") || !utf8.ValidString(p) {
				t.Fatalf("bad password %q from %q", p, data)
			}
		}
	})
}
