package config

import (
	"context"
	"testing"

	"dpgcerts/backend/errs"
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

func TestLanguageAtStart(t *testing.T) {
	st := storetest.Open(t, store.Memory)
	ctx := context.Background()
	if err := st.SetString(ctx, store.Language, "da"); err != nil {
		t.Fatal(err)
	}
	if got := LanguageAtStart(ctx, st, "en", false); got != "da" {
		t.Errorf("the OS's: %q, want da, the choice made in the window", got)
	}
	if got := LanguageAtStart(ctx, st, "en", true); got != "en" {
		t.Errorf("--lang: %q, want en over the choice", got)
	}
}

func TestCurrentChoose(t *testing.T) {
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var c Current
	if got := c.Get(); got != "" {
		t.Errorf("before Set: %q", got)
	}
	c.Set("en")
	if err := c.Choose(ctx, st, "da"); err != nil || c.Get() != "da" {
		t.Fatalf("Choose(da) = %v, current %q", err, c.Get())
	}
	if saved, _ := st.String(ctx, store.Language); saved != "da" {
		t.Errorf("remembered %q, want da", saved)
	}
	for _, bad := range []string{"", "sv"} {
		if err := c.Choose(ctx, st, bad); errs.Code(err) != errs.UnsupportedLanguage || c.Get() != "da" {
			t.Errorf("Choose(%q) = %v, current %q", bad, err, c.Get())
		}
	}
	// A cache that fails is not a wrong language.
	st.Close()
	if err := c.Choose(ctx, st, "en"); err == nil || errs.Code(err) == errs.UnsupportedLanguage || c.Get() != "da" {
		t.Errorf("Choose on a closed cache = %v, current %q", err, c.Get())
	}
}
