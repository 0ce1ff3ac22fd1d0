package config

import (
	"context"

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
