package dialoghook

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
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

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

// stub stands for the native dialogs: it answers "native" and counts
// the questions.
type stub struct{ asked int }

func (n *stub) OpenFiles(context.Context, string) ([]string, error) {
	n.asked++
	return []string{"native"}, nil
}
func (n *stub) OpenFolder(context.Context, string) (string, error) { n.asked++; return "native", nil }
func (n *stub) SaveFile(context.Context, string, string) (string, error) {
	n.asked++
	return "", nil
}

func TestWrap(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.p12")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	sep := string(os.PathListSeparator)
	ctx := context.Background()

	native := &stub{}
	if d := Wrap(envOf(nil), native); d != Dialogs(native) {
		t.Error("without the variables the native dialogs must be used")
	}

	d := Wrap(envOf(map[string]string{EnvPick: file + sep + dir}), native)
	if got, _ := d.OpenFiles(ctx, ""); !reflect.DeepEqual(got, []string{file}) {
		t.Errorf("OpenFiles = %v, want the file only", got)
	}
	if got, _ := d.OpenFolder(ctx, ""); got != dir {
		t.Errorf("OpenFolder = %q, want the folder", got)
	}
	if got, _ := d.SaveFile(ctx, "", "x.csv"); got != "" {
		t.Errorf("SaveFile without a save dir = %q, want the native dialog's answer", got)
	}

	list := filepath.Join(dir, "pick.txt")
	if err := os.WriteFile(list, []byte(file+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d = Wrap(envOf(map[string]string{EnvPick: "@" + list, EnvSaveDir: dir}), native)
	if got, _ := d.OpenFiles(ctx, ""); !reflect.DeepEqual(got, []string{file}) {
		t.Errorf("OpenFiles from a list file = %v", got)
	}
	if got, _ := d.SaveFile(ctx, "", "x.csv"); got != filepath.Join(dir, "x.csv") {
		t.Errorf("SaveFile = %q", got)
	}

	d = Wrap(envOf(map[string]string{EnvSaveDir: dir}), native)
	asked := native.asked
	if got, _ := d.OpenFiles(ctx, ""); !reflect.DeepEqual(got, []string{"native"}) || native.asked != asked+1 {
		t.Errorf("OpenFiles with only a save dir = %v, want the native dialog asked", got)
	}
}
