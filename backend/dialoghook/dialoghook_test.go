package dialoghook

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestHook(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.p12")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

	if h := FromEnv(env(nil)); h.Set() {
		t.Fatal("no variables, yet a hook")
	}
	h := FromEnv(env(map[string]string{EnvPick: file + string(os.PathListSeparator) + dir}))
	if got, ok := h.Files(); !ok || !slices.Equal(got, []string{file}) {
		t.Errorf("Files = %v, %v; want the file only", got, ok)
	}
	if got, ok := h.Folder(); !ok || got != dir {
		t.Errorf("Folder = %q, %v; want the folder", got, ok)
	}
	if _, ok := h.Save("x.csv"); ok {
		t.Error("Save answers without a save folder")
	}

	only := FromEnv(env(map[string]string{EnvPick: dir}))
	if got, _ := only.Files(); !slices.Equal(got, []string{dir}) {
		t.Errorf("Files of folders only = %v, want them", got)
	}
	missing := FromEnv(env(map[string]string{EnvPick: "@" + filepath.Join(dir, "none.txt"), EnvSaveDir: dir}))
	if got, ok := missing.Files(); !ok || got != nil {
		t.Errorf("Files from a missing list = %v, %v; want none, answered", got, ok)
	}
	if got, ok := missing.Folder(); !ok || got != "" {
		t.Errorf("Folder from a missing list = %q, %v", got, ok)
	}
	if got, ok := missing.Save("x.csv"); !ok || got != filepath.Join(dir, "x.csv") {
		t.Errorf("Save = %q, %v", got, ok)
	}
}
