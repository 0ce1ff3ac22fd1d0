package desktop

import (
	"log"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/options/windows"

	"dpgcerts/backend/i18n"
	"dpgcerts/backend/store"
)

// WindowsOptions gives Wails' own WebView2 message boxes (the offer to
// download a missing runtime, and its failure) in the window's language.
func WindowsOptions(lang string) *windows.Options {
	m := windows.DefaultMessages()
	t := func(key string) string { return i18n.T(lang, "startup.webview2."+key) }
	m.InstallationRequired = t("installationRequired")
	m.UpdateRequired = t("updateRequired")
	m.MissingRequirements = t("missingRequirements")
	m.Webview2NotInstalled = t("notInstalled")
	m.Error = t("error")
	m.FailedToInstall = t("failedToInstall")
	m.WebView2ProcessCrash = t("crashed")
	return &windows.Options{Messages: m}
}

// StartFailed logs why the window could not start and says so in a native
// message box: a program started from the Start menu has no console, so
// before the window exists the box and the log are all the user gets.
func StartFailed(lang string, err error) {
	log.Printf("dpgcerts: the window could not start: %v", err)
	showError(i18n.T(lang, "startup.failedTitle"),
		i18n.Format(lang, "startup.failedBody", map[string]any{"error": err, "log": LogPath()}))
}

// CacheFailed says that the window opens on an in-memory cache this time
// (app.New logged why): it works, but keeps nothing it finds.
func CacheFailed(lang string, err error) {
	showInfo(i18n.T(lang, "startup.cacheTitle"),
		i18n.Format(lang, "startup.cacheBody", map[string]any{"error": err, "log": LogPath()}))
}

// LogPath is where OpenLog writes.
func LogPath() string {
	if db, err := store.DefaultPath(); err == nil {
		return filepath.Join(filepath.Dir(db), "dpgcerts.log")
	}
	return "dpgcerts.log"
}
