//go:build testhooks

package app

import "dpgcerts/backend/dialoghook"

// dialogsFromEnv puts the file dialogs' test hooks (DPGCERTS_TEST_PICK,
// DPGCERTS_TEST_SAVE_DIR) in front of the native dialogs. Only a build with
// -tags testhooks has them (scripts/e2e.sh); the release build has
// dialogs_release.go instead, so no variable can redirect its dialogs.
func dialogsFromEnv(getenv func(string) string, next Dialogs) Dialogs {
	return dialoghook.Wrap(getenv, next)
}
