//go:build !testhooks

package app

import (
	"context"
	"testing"

	"dpgcerts/backend/dialoghook"
)

// The release build's dialogs ignore the hooks' variables: only a build
// with -tags testhooks answers from them (dialogs_hooks_test.go).
func TestReleaseDialogsIgnoreTheHooks(t *testing.T) {
	native := &fakeDialogs{files: []string{"native"}, folder: "native"}
	d := dialogsFromEnv(env(map[string]string{dialoghook.EnvPick: t.TempDir(), dialoghook.EnvSaveDir: t.TempDir()}), native)
	if d != Dialogs(native) {
		t.Fatal("the release build put the test hooks in front of the native dialogs")
	}
	if got, _ := d.OpenFolder(context.Background(), "t"); got != "native" {
		t.Errorf("OpenFolder = %q, want the native answer", got)
	}
}
