//go:build testhooks

package app

import (
	"context"

	"dpgcerts/backend/dialoghook"
)

// The test hooks of the file dialogs are built only with -tags testhooks
// (scripts/e2e.sh passes it to wails dev); the release build has
// dialogs_release.go instead, so no environment variable can redirect its
// dialogs.

// hookDialogs answer from the test hooks (dialoghook) where they are set,
// and ask next otherwise.
type hookDialogs struct {
	hook dialoghook.Hook
	next Dialogs
}

// dialogsFromEnv returns the native dialogs, with the test hooks in front
// when their variables are set.
func dialogsFromEnv(getenv func(string) string, next Dialogs) Dialogs {
	if hook := dialoghook.FromEnv(getenv); hook.Set() {
		return hookDialogs{hook: hook, next: next}
	}
	return next
}

func (h hookDialogs) OpenFiles(ctx context.Context, title string) ([]string, error) {
	if paths, ok := h.hook.Files(); ok {
		return paths, nil
	}
	return h.next.OpenFiles(ctx, title)
}

func (h hookDialogs) OpenFolder(ctx context.Context, title string) (string, error) {
	if path, ok := h.hook.Folder(); ok {
		return path, nil
	}
	return h.next.OpenFolder(ctx, title)
}

func (h hookDialogs) SaveFile(ctx context.Context, title, defaultName string) (string, error) {
	if path, ok := h.hook.Save(defaultName); ok {
		return path, nil
	}
	return h.next.SaveFile(ctx, title, defaultName)
}
