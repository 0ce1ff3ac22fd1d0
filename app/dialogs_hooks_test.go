//go:build testhooks

package app

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dpgcerts/backend/dialoghook"
)

func TestDialogHooks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.p12")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	sep := string(os.PathListSeparator)
	ctx := context.Background()

	native := &fakeDialogs{files: []string{"native"}, folder: "native"}
	if d := dialogsFromEnv(env(nil), native); d != Dialogs(native) {
		t.Error("without the variables the native dialogs must be used")
	}

	d := dialogsFromEnv(env(map[string]string{dialoghook.EnvPick: file + sep + dir}), native)
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
	d = dialogsFromEnv(env(map[string]string{dialoghook.EnvPick: "@" + list, dialoghook.EnvSaveDir: dir}), native)
	if got, _ := d.OpenFiles(ctx, ""); !reflect.DeepEqual(got, []string{file}) {
		t.Errorf("OpenFiles from a list file = %v", got)
	}
	if got, _ := d.SaveFile(ctx, "", "x.csv"); got != filepath.Join(dir, "x.csv") {
		t.Errorf("SaveFile = %q", got)
	}

	d = dialogsFromEnv(env(map[string]string{dialoghook.EnvSaveDir: dir}), native)
	if got, _ := d.OpenFiles(ctx, ""); !reflect.DeepEqual(got, []string{"native"}) {
		t.Errorf("OpenFiles with only a save dir = %v, want the native answer", got)
	}
	if !strings.HasPrefix(native.asked[len(native.asked)-1], "files:") {
		t.Errorf("native dialog not asked: %v", native.asked)
	}
}
