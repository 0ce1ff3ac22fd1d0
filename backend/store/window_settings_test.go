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

func TestWindow(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	if w := s.Window(ctx); w.Placed() || w.Width != WindowWidth.Default || w.Height != WindowHeight.Default {
		t.Fatalf("a window never closed: %+v", w)
	}
	if err := s.SetWindow(ctx, Window{X: 10, Y: 20, Width: 1000, Height: 100}); err != nil {
		t.Fatal(err)
	}
	if w := s.Window(ctx); !w.Placed() || w != (Window{X: 10, Y: 20, Width: 1000, Height: WindowHeight.Min}) {
		t.Fatalf("saved: %+v", w)
	}
	if (Window{X: -5, Y: 20}).Placed() {
		t.Error("a place off the screen's left edge is placed")
	}
}
