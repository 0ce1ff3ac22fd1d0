package i18n

import (
	"testing"
	"testing/fstest"

	"dpgcerts/backend/errs"
)

func TestHelp(t *testing.T) {
	h := Guides{FS: fstest.MapFS{
		"guides/en/renew-certificate.md": {Data: []byte("Intro\n\n# Renew a certificate\n\nSteps.")},
		"guides/da/renew-certificate.md": {Data: []byte("# Forny et certifikat\n")},
		"guides/en/attention.md":         {Data: []byte("  \n")},
	}}
	guides := h.List("en")
	if len(guides) != len(GuideIDs) {
		t.Fatalf("%d guides, want %d", len(guides), len(GuideIDs))
	}
	byID := map[string]Guide{}
	for _, g := range guides {
		byID[g.ID] = g
	}
	if g := byID["renew-certificate"]; !g.Available || g.Title != "Renew a certificate" {
		t.Errorf("renew = %+v", g)
	}
	if g := byID["create-certificate"]; g.Available || g.Title != "Create a new organisation certificate" {
		t.Errorf("a missing guide = %+v, want the translated title", g)
	}
	if g := byID["attention"]; g.Available {
		t.Error("an empty guide counts as available")
	}
	if g := h.List("da")[1]; g.Title != "Forny et certifikat" {
		t.Errorf("da = %+v", g)
	}

	if md, err := h.Read("da", "renew-certificate"); err != nil || md != "# Forny et certifikat\n" {
		t.Errorf("Guide = %q, %v", md, err)
	}
	for _, c := range [][2]string{{"en", "create-certificate"}, {"en", "../da"}, {"sv", "attention"}, {"en", "attention"}} {
		if _, err := h.Read(c[0], c[1]); errs.Code(err) != errs.GuideMissing {
			t.Errorf("Guide(%s, %s): %v, want %s", c[0], c[1], err, errs.GuideMissing)
		}
	}
}

// TestGuideTitlesTranslated: every guide has a fallback title in each language.
func TestGuideTitlesTranslated(t *testing.T) {
	for _, lang := range Supported() {
		msgs := Messages(lang)
		for _, id := range GuideIDs {
			if msgs[titleKey(id)] == "" {
				t.Errorf("%s: no %s", lang, titleKey(id))
			}
		}
	}
}
