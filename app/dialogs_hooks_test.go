//go:build testhooks

package app

import (
	"context"
	"testing"

	"dpgcerts/backend/dialoghook"
)

// A build with -tags testhooks answers the file dialogs from the hooks'
// variables (dialoghook's tests cover the answers themselves).
func TestDialogHooks(t *testing.T) {
	dir := t.TempDir()
	native := &fakeDialogs{folder: "native"}
	if d := dialogsFromEnv(env(nil), native); d != Dialogs(native) {
		t.Error("without the variables the native dialogs must be used")
	}
	d := dialogsFromEnv(env(map[string]string{dialoghook.EnvPick: dir}), native)
	if got, _ := d.OpenFolder(context.Background(), ""); got != dir {
		t.Errorf("OpenFolder = %q, want the picked folder", got)
	}
}
