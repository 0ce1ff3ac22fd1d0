package i18n

import (
	"io/fs"
	"path"
	"strings"

	"dpgcerts/backend/errs"
)

// GuideIDs are the help guides, in the order the help panel lists them.
// Each is locales/guides/<lang>/<id>.md.
var GuideIDs = []string{"create-certificate", "renew-certificate", "attention", "overview", "exchange-online", "digital-post"}

// Guide is one entry of the help panel.
type Guide struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Available is false while the guide's file is missing in this language.
	Available bool `json:"available"`
}

// Guides are the help guides of a file system laid out as locales/:
// guides/<lang>/<id>.md.
type Guides struct {
	FS fs.FS
}

// titleKey is the message id of a guide's fallback title: guides.<camelCase id>.
func titleKey(id string) string {
	parts := strings.Split(id, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return "guides." + strings.Join(parts, "")
}

// List lists the guides in lang. The title is the guide's first heading,
// or the translated title while the file is missing.
func (h Guides) List(lang string) []Guide {
	out := make([]Guide, 0, len(GuideIDs))
	for _, id := range GuideIDs {
		g := Guide{ID: id, Title: T(lang, titleKey(id))}
		if md, err := h.Read(lang, id); err == nil {
			g.Available = true
			if t := firstHeading(md); t != "" {
				g.Title = t
			}
		}
		out = append(out, g)
	}
	return out
}

// Read returns the Markdown of guide id in lang; a missing guide is the
// error guide_missing.
func (h Guides) Read(lang, id string) (string, error) {
	known := false
	for _, g := range GuideIDs {
		known = known || g == id
	}
	supported := false
	for _, l := range Supported() {
		supported = supported || l == lang
	}
	if !known || !supported {
		return "", errs.New(errs.GuideMissing, "There is no such guide.")
	}
	data, err := fs.ReadFile(h.FS, path.Join("guides", lang, id+".md"))
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return "", errs.New(errs.GuideMissing, "The guide is not available yet.")
	}
	return string(data), nil
}

// firstHeading is the text of the first "# " line.
func firstHeading(md string) string {
	for _, line := range strings.Split(md, "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}
