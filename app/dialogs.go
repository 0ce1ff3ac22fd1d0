package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"dpgcerts/backend/i18n"
)

// Environment variables that stand in for the native dialogs, for tests: a
// browser test can't click through a GTK file chooser.
const (
	// EnvTestPick holds paths separated by os.PathListSeparator that the
	// "open files" and "scan folder" dialogs return. "@FILE" reads them from
	// FILE, one a line, each time a dialog opens.
	EnvTestPick = "DPGCERTS_TEST_PICK"
	// EnvTestSaveDir makes a save dialog return <dir>/<default file name>.
	EnvTestSaveDir = "DPGCERTS_TEST_SAVE_DIR"
)

// Dialogs are the native dialogs the window uses. Every dialog goes through
// this interface, so tests can answer in its place. A cancelled dialog
// returns no path and no error.
type Dialogs interface {
	OpenFiles(ctx context.Context, title string) ([]string, error)
	OpenFolder(ctx context.Context, title string) (string, error)
	SaveFile(ctx context.Context, title, defaultName string) (string, error)
}

// certificatePatterns are the names certificate files usually have. The
// dialog offers all files too: the reader decides by content, not by name.
const certificatePatterns = "*.p12;*.pfx;*.pem;*.cer;*.crt;*.der;*.p7b;*.P12;*.PFX;*.PEM;*.CER;*.CRT"

// nativeDialogs are Wails' runtime dialogs, labelled in the window's language.
type nativeDialogs struct {
	lang func() string
}

func (d nativeDialogs) OpenFiles(ctx context.Context, title string) ([]string, error) {
	lang := d.lang()
	return runtime.OpenMultipleFilesDialog(ctx, runtime.OpenDialogOptions{Title: title, Filters: []runtime.FileFilter{
		{DisplayName: i18n.T(lang, "dialogs.certificateFiles") + " (.p12, .pfx, .pem, .cer, .crt)", Pattern: certificatePatterns},
		{DisplayName: i18n.T(lang, "dialogs.allFiles"), Pattern: "*"},
	}})
}

func (nativeDialogs) OpenFolder(ctx context.Context, title string) (string, error) {
	return runtime.OpenDirectoryDialog(ctx, runtime.OpenDialogOptions{Title: title})
}

func (nativeDialogs) SaveFile(ctx context.Context, title, defaultName string) (string, error) {
	return runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: defaultName})
}

// hookDialogs answer from the test environment variables where they are set,
// and ask next otherwise.
type hookDialogs struct {
	pick    string // EnvTestPick
	saveDir string // EnvTestSaveDir
	next    Dialogs
}

// dialogsFromEnv returns the native dialogs, with the test hooks in front
// when their variables are set.
func dialogsFromEnv(getenv func(string) string, next Dialogs) Dialogs {
	pick, save := getenv(EnvTestPick), getenv(EnvTestSaveDir)
	if pick == "" && save == "" {
		return next
	}
	return hookDialogs{pick: pick, saveDir: save, next: next}
}

func (h hookDialogs) picked() []string {
	raw := h.pick
	sep := string(os.PathListSeparator)
	if name, ok := strings.CutPrefix(raw, "@"); ok {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil
		}
		raw = strings.ReplaceAll(strings.TrimSpace(string(data)), "\r\n", "\n")
		sep = "\n"
	}
	var out []string
	for _, p := range strings.Split(raw, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// OpenFiles returns the picked paths that are not folders, or all of them
// when every one is a folder.
func (h hookDialogs) OpenFiles(ctx context.Context, title string) ([]string, error) {
	if h.pick == "" {
		return h.next.OpenFiles(ctx, title)
	}
	all := h.picked()
	var files []string
	for _, p := range all {
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			files = append(files, p)
		}
	}
	if len(files) == 0 {
		return all, nil
	}
	return files, nil
}

// OpenFolder returns the first picked folder, or the first path.
func (h hookDialogs) OpenFolder(ctx context.Context, title string) (string, error) {
	if h.pick == "" {
		return h.next.OpenFolder(ctx, title)
	}
	all := h.picked()
	for _, p := range all {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, nil
		}
	}
	if len(all) == 0 {
		return "", nil
	}
	return all[0], nil
}

func (h hookDialogs) SaveFile(ctx context.Context, title, defaultName string) (string, error) {
	if h.saveDir == "" {
		return h.next.SaveFile(ctx, title, defaultName)
	}
	return filepath.Join(h.saveDir, defaultName), nil
}
