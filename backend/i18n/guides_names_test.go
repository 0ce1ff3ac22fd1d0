package i18n

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dpgcerts/locales"
)

// otherSystems are names the guides put in bold that belong to another
// system's screens, not to this app's: MitID Erhverv's Danish UI and
// Microsoft Entra's (English) admin center, per language. A name of another
// system followed by its Danish name in parentheses, as in
// "**Certificates** (Certifikater)", needs no entry.
var otherSystems = map[string][]string{
	"en": {
		// Microsoft Entra admin center.
		"App registrations", "Certificates & secrets", "Certificates", "Upload certificate", "Thumbprint",
	},
	"da": {
		// MitID Erhverv, as it shows in Danish.
		"Brugeradministrator", "Certifikater", "Opret certifikatprofil", "kontaktperson", "certifikatnavn",
		"OCES organisationscertifikat", "Engangskode", "Internetbrowser", "Offentliggør i certifikatdatabasen",
		"Rediger certifikatprofil", "Forny certifikat", "Forny", "Næste",
	},
}

var (
	boldRe = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	// translatedRe: a name followed by its Danish name in parentheses.
	translatedRe = regexp.MustCompile(`^ \([^)]+\)`)
	// countRe is the count a button shows after its name: "Install in DPG ({n})".
	countRe = regexp.MustCompile(`\s*\(\{\w+\}\)|\s*\(1\)`)
)

// windowNames are the texts of lang that a guide may name: every message,
// and each without the count in parentheses a button adds to its name.
func windowNames(lang string) map[string]bool {
	names := map[string]bool{}
	for _, text := range Messages(lang) {
		names[text] = true
		names[strings.TrimSpace(countRe.ReplaceAllString(text, ""))] = true
	}
	return names
}

// TestGuideBoldNamesExist fails when a guide puts in bold a tile or button
// name that the window doesn't show in that language, so that the guides
// keep matching the window they sit in. Bold that ends in a full stop is a
// step's lead sentence, not a name; names of other systems are
// otherSystems, or followed by their Danish name in parentheses.
func TestGuideBoldNamesExist(t *testing.T) {
	for _, lang := range Supported() {
		names := windowNames(lang)
		for _, id := range GuideIDs {
			data, err := fs.ReadFile(locales.FS, path.Join("guides", lang, id+".md"))
			if err != nil {
				t.Fatal(err)
			}
			md := string(data)
			for _, m := range boldRe.FindAllStringSubmatchIndex(md, -1) {
				name := md[m[2]:m[3]]
				switch {
				case strings.HasSuffix(name, "."):
				case names[name]:
				case slices.Contains(otherSystems[lang], name):
				case translatedRe.MatchString(md[m[1]:]):
				default:
					t.Errorf("guides/%s/%s.md: **%s** is no text of the window in %s (nor a listed name of another system)", lang, id, name, lang)
				}
			}
		}
	}
}

// TestGuideNamesTheTiles: the guides that name the tiles name all four, as
// the window does.
func TestGuideNamesTheTiles(t *testing.T) {
	for _, lang := range Supported() {
		data, err := fs.ReadFile(locales.FS, path.Join("guides", lang, "overview.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tile := range []string{"valid", "expiring", "invalid", "attention"} {
			name := T(lang, "tiles."+tile)
			if !strings.Contains(string(data), "**"+name+"**") {
				t.Errorf("guides/%s/overview.md does not name the tile **%s**", lang, name)
			}
		}
	}
}

// TestGuideLinks: a link to another guide names one that exists; a link
// out is https.
func TestGuideLinks(t *testing.T) {
	linkRe := regexp.MustCompile(`\]\(([^)]+)\)`)
	for _, lang := range Supported() {
		for _, id := range GuideIDs {
			data, err := fs.ReadFile(locales.FS, path.Join("guides", lang, id+".md"))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range linkRe.FindAllStringSubmatch(string(data), -1) {
				target := m[1]
				if guide, ok := strings.CutSuffix(target, ".md"); ok {
					if !slices.Contains(GuideIDs, guide) {
						t.Errorf("guides/%s/%s.md links to a guide that doesn't exist: %s", lang, id, target)
					}
				} else if !strings.HasPrefix(target, "https://") {
					t.Errorf("guides/%s/%s.md: the link %s is neither a guide nor https", lang, id, target)
				}
			}
		}
	}
}

// TestRenewedGuidesSitTogether: the two "Configure a renewed …" guides are
// next to each other in the help panel.
func TestRenewedGuidesSitTogether(t *testing.T) {
	i, j := slices.Index(GuideIDs, "exchange-online"), slices.Index(GuideIDs, "digital-post")
	if i < 0 || j < 0 || j-i != 1 {
		t.Errorf("GuideIDs = %v: exchange-online and digital-post are not next to each other", GuideIDs)
	}
}

// TestExchangeOnlineGuideNamesTheSteps: the guide to Exchange Online's
// renewal names, in bold and in each language, the card's steps and every
// control of the dialog's three steps as the window labels them, so that a
// label changed in the window can't leave the guide naming the old one.
func TestExchangeOnlineGuideNamesTheSteps(t *testing.T) {
	labels := []string{
		"cards.do_install_dpg", "entra.install", "cards.do_register_entra", "cards.do_activate", "portal.useFor",
		"entra.title", "details.exportCer", "entra.openEntra", "entra.pasteLabel", "entra.confirm",
		"portal.activate", "entra.skip", "entra.dismiss",
	}
	for _, lang := range Supported() {
		data, err := fs.ReadFile(locales.FS, path.Join("guides", lang, "exchange-online.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range labels {
			name := T(lang, id)
			if name == "" || name == id {
				t.Errorf("%s has no text %s", lang, id)
				continue
			}
			if !strings.Contains(string(data), "**"+name+"**") {
				t.Errorf("guides/%s/exchange-online.md does not name **%s** (%s), as the window labels it", lang, name, id)
			}
		}
	}
}
