//go:build !windows && !darwin

package i18n

// systemLanguages has nothing beyond the locale variables on Linux and BSD.
func systemLanguages() []string { return nil }
