package local

import (
	"path/filepath"
	"testing"
)

// The list hides the replaced certificates until asked, and remembers the
// choice in the cache, for the next start (another process here).
func TestShowReplacedIsRemembered(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cache.db")
	c, _ := openCollection(t, db)
	if c.ShowReplaced() {
		t.Fatal("replaced certificates shown before anyone asked")
	}
	if err := c.SetShowReplaced(true); err != nil {
		t.Fatal(err)
	}
	if again, _ := openCollection(t, db); !again.ShowReplaced() {
		t.Fatal("the choice was not remembered")
	}
	if err := c.SetShowReplaced(false); err != nil || c.ShowReplaced() {
		t.Fatalf("hidden again: %v, %v", err, c.ShowReplaced())
	}
}
