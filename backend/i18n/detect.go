package i18n

import (
	"fmt"
	"os"
	"strings"
)

// Normalize maps a language tag or POSIX locale ("da", "da-DK",
// "da_DK.UTF-8", "EN_us") to a supported language code, or "" when the
// language is not supported (or is "C"/"POSIX").
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "_-.@"); i >= 0 {
		tag = tag[:i]
	}
	for _, lang := range supported {
		if tag == lang {
			return lang
		}
	}
	return ""
}

// FromEnv returns the language the POSIX locale variables ask for, or "".
// LANGUAGE (a colon-separated list, GNU gettext) is read first, then the
// first set of LC_ALL, LC_MESSAGES and LANG decides.
func FromEnv(getenv func(string) string) string {
	for _, tag := range strings.Split(getenv("LANGUAGE"), ":") {
		if lang := Normalize(tag); lang != "" {
			return lang
		}
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return Normalize(v)
		}
	}
	return ""
}

// Detect returns the operating system's language if it is supported, else
// Default.
func Detect() string {
	if lang := FromEnv(os.Getenv); lang != "" {
		return lang
	}
	for _, tag := range systemLanguages() {
		if lang := Normalize(tag); lang != "" {
			return lang
		}
	}
	return Default
}

// Resolve picks the language to show: flag (the --lang value) when given,
// else Detect. A flag naming an unsupported language is an error.
func Resolve(flag string) (string, error) {
	if flag == "" {
		return Detect(), nil
	}
	if lang := Normalize(flag); lang != "" {
		return lang, nil
	}
	return "", fmt.Errorf("unsupported language %q (want one of %s)", flag, strings.Join(supported, ", "))
}
