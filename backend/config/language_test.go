package config

import (
	"context"
	"testing"

	"dpgcerts/backend/store"
)

func TestLanguage(t *testing.T) {
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if got := Language(ctx, st, "", ""); got != "en" {
		t.Errorf("nothing known: %q, want en", got)
	}
	if got := Language(ctx, st, "", "da_DK.UTF-8"); got != "da" {
		t.Errorf("the system's: %q, want da", got)
	}
	if err := st.SetString(ctx, store.Language, "en"); err != nil {
		t.Fatal(err)
	}
	if got := Language(ctx, st, "", "da"); got != "en" {
		t.Errorf("chosen in the window: %q, want en over the system's", got)
	}
	if got := Language(ctx, st, "DA", "en"); got != "da" {
		t.Errorf("--lang: %q, want da over the choice", got)
	}
}
