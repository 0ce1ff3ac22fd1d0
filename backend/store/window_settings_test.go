package store

import (
	"context"
	"testing"
)

func TestWindowSettings(t *testing.T) {
	s, err := Open(Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	if v, _ := s.String(ctx, Language); v != "" {
		t.Errorf("language before any choice = %q, want empty", v)
	}
	if err := s.SetString(ctx, Language, "da"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.String(ctx, Language); v != "da" {
		t.Errorf("language = %q, want da", v)
	}
	if err := s.SetString(ctx, Language, "sv"); err == nil {
		t.Error("an unsupported language was stored")
	}
	if v, _ := s.Int(ctx, WindowX); v != NoPosition {
		t.Errorf("x before any save = %d", v)
	}
	if v, _ := s.SetInt(ctx, WindowWidth, 100); v != WindowWidth.Min {
		t.Errorf("a tiny width was stored as %d", v)
	}
}
