package local

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"dpgcerts/backend/overview"
	"dpgcerts/internal/pkitest"
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

// An export marks what the window's list shows as replaced; without the
// list, or when it fails, every file is still exported, none marked.
func TestExportMarksTheListsReplaced(t *testing.T) {
	c, done := newCollection(t)
	dir := t.TempDir()
	leaf := pkitest.SelfSigned(t, pkitest.Spec{CN: "old"})
	pkitest.WriteFile(t, dir, "old.pem", pkitest.PEM("CERTIFICATE", leaf.Cert.Raw))
	c.AddPaths([]string{dir})
	waitScan(t, done)
	files, err := c.Files()
	if err != nil || len(files) != 1 || files[0].Certificate == nil {
		t.Fatalf("files %+v, %v", files, err)
	}
	sha := strings.ToUpper(files[0].Certificate.SHA256) // the list's key, in any case
	ctx := context.Background()
	tests := []struct {
		name   string
		list   func(context.Context) (overview.List, error)
		marked bool
	}{
		{"replaced in the list", func(context.Context) (overview.List, error) {
			return overview.List{Rows: []overview.Row{{Key: sha, ReplacedBy: "new-sha"}}}, nil
		}, true},
		{"no list", nil, false},
		{"the list fails", func(context.Context) (overview.List, error) { return overview.List{}, errors.New("no cache") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data, err := c.Export(ctx, "json", "en", tt.list)
			if err != nil || !strings.HasSuffix(name, ".json") || !strings.Contains(string(data), filepath.Join(dir, "old.pem")) {
				t.Fatalf("export %q, %v:\n%s", name, err, data)
			}
			if got := strings.Contains(string(data), `"replacedBy": "new-sha"`); got != tt.marked {
				t.Errorf("marked replaced: %v, want %v:\n%s", got, tt.marked, data)
			}
		})
	}
}
