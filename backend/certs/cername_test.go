package certs

import "testing"

func TestCerName(t *testing.T) {
	for in, want := range map[string]string{
		"exchange@testkommune.dk": "exchange@testkommune.dk.cer",
		`a/b\c:d`:                 "a-b-c-d.cer",
		"  ":                      "certificate.cer",
	} {
		if got := CerName(in); got != want {
			t.Errorf("CerName(%q) = %q, want %q", in, got, want)
		}
	}
}
