package config

import (
	"context"
	"testing"

	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

func TestLanguage(t *testing.T) {
	st := storetest.Open(t, store.Memory)
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
