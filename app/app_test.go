package app

import (
	"context"
	"testing"
)

func TestApp(t *testing.T) {
	s := New(Options{Version: "v1.2.3", Lang: "da"})
	s.Startup(context.Background())
	defer s.Shutdown(context.Background())

	if got := s.App.Version(); got != "v1.2.3" {
		t.Errorf("Version = %q", got)
	}
	if got := s.App.Language(); got != "da" {
		t.Errorf("Language = %q, want da", got)
	}
	if got := s.App.Messages("da")["status.valid"]; got != "Gyldig" {
		t.Errorf("Messages(da)[status.valid] = %q, want Gyldig", got)
	}
	if got := s.App.Messages("en")["status.valid"]; got != "Valid" {
		t.Errorf("Messages(en)[status.valid] = %q, want Valid", got)
	}
	if s.App.ctx == nil {
		t.Error("startup did not keep the context")
	}
}

func TestLanguageDefault(t *testing.T) {
	if got := New(Options{}).App.Language(); got != "en" {
		t.Errorf("Language without a choice = %q, want en", got)
	}
}

func TestBindOnlyAdapters(t *testing.T) {
	s := New(Options{})
	for _, b := range s.Bind() {
		if _, ok := b.(*Services); ok {
			t.Error("Services must not be bound: its Startup would reach the frontend")
		}
	}
}
