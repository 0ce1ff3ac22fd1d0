package config

import (
	"context"
	"sync/atomic"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/store"
)

// Language is the language to speak in: flag (a --lang value; "" without
// one), else the language chosen earlier in the window, else system (the
// OS's), else English. The window and `dpgcerts check` follow this one
// rule.
func Language(ctx context.Context, st *store.Store, flag, system string) string {
	if lang := i18n.Normalize(flag); lang != "" {
		return lang
	}
	if saved, err := st.String(ctx, store.Language); err == nil && saved != "" {
		return saved
	}
	if lang := i18n.Normalize(system); lang != "" {
		return lang
	}
	return i18n.Default
}

// LanguageAtStart is the window's language when it opens: lang is the
// resolved language (--lang or the OS's), and fromFlag says it came from
// --lang, which then wins over the one chosen earlier in the window.
func LanguageAtStart(ctx context.Context, st *store.Store, lang string, fromFlag bool) string {
	flag := ""
	if fromFlag {
		flag = lang
	}
	return Language(ctx, st, flag, lang)
}

// Current is the language the window speaks now: read by every flow that
// words something, changed by the user at any time.
type Current struct{ v atomic.Value }

// Get is the current language ("" before the first Set).
func (c *Current) Get() string {
	s, _ := c.v.Load().(string)
	return s
}

// Set makes lang current, without remembering it.
func (c *Current) Set(lang string) { c.v.Store(lang) }

// Choose makes lang ("da" or "en") current and remembers it in st. Another
// language is unsupported_language; a store that fails returns its own
// error (internal), and the language stays as it was.
func (c *Current) Choose(ctx context.Context, st *store.Store, lang string) error {
	if lang == "" || !store.Language.Valid(lang) {
		return errs.New(errs.UnsupportedLanguage, "The language must be da or en.")
	}
	if err := st.SetString(ctx, store.Language, lang); err != nil {
		return err
	}
	c.Set(lang)
	return nil
}
