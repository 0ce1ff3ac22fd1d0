//go:build !testhooks

package app

// dialogsFromEnv returns the native dialogs: the release build has no test
// hooks (dialogs_hooks.go, built with -tags testhooks, has them).
func dialogsFromEnv(_ func(string) string, next Dialogs) Dialogs { return next }
