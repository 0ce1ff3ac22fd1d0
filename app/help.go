package app

import (
	"context"

	"dpgcerts/backend/i18n"
	"dpgcerts/locales"
)

// Help serves the help guides from the embedded locales.
type Help struct {
	core   *core
	guides i18n.Guides
}

func newHelp(c *core) *Help { return &Help{core: c, guides: i18n.Guides{FS: locales.FS}} }

func (h *Help) startup(context.Context)  {}
func (h *Help) shutdown(context.Context) {}

// Guides lists the guides in lang, in the help panel's order.
func (h *Help) Guides(lang string) []i18n.Guide { return h.guides.List(lang) }

// Guide returns the Markdown of guide id in lang; a missing guide is the
// error guide_missing.
func (h *Help) Guide(lang, id string) (string, error) { return h.guides.Read(lang, id) }
