// Package dialoghook is what the window's file dialogs answer in tests: a
// browser test can't click through a GTK file chooser, so environment
// variables name the picked paths and the folder saves go to. The window's
// dialogs (app) ask the hook first and the native dialog when it has no
// answer.
package dialoghook

import (
	"context"
	"os"
	"path/filepath"
	"strings"
)

const (
	// EnvPick holds paths separated by os.PathListSeparator that the "open
	// files" and "scan folder" dialogs return. "@FILE" reads them from
	// FILE, one a line, each time a dialog opens.
	EnvPick = "DPGCERTS_TEST_PICK"
	// EnvSaveDir makes a save dialog return <dir>/<default file name>.
	EnvSaveDir = "DPGCERTS_TEST_SAVE_DIR"
)

// Hook is the answers set in the environment; its zero value answers
// nothing.
type Hook struct {
	pick    string
	saveDir string
}

// FromEnv reads the hook's variables.
func FromEnv(getenv func(string) string) Hook {
	return Hook{pick: getenv(EnvPick), saveDir: getenv(EnvSaveDir)}
}

// Set says whether any answer is set.
func (h Hook) Set() bool { return h.pick != "" || h.saveDir != "" }

// Files is what "open files" returns: the picked paths that are not
// folders, or all of them when every one is. ok is false without picks.
func (h Hook) Files() (paths []string, ok bool) {
	if h.pick == "" {
		return nil, false
	}
	all := h.picked()
	for _, p := range all {
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return all, true
	}
	return paths, true
}

// Folder is what "scan folder" returns: the first picked folder, else the
// first path ("" when none). ok is false without picks.
func (h Hook) Folder() (path string, ok bool) {
	if h.pick == "" {
		return "", false
	}
	all := h.picked()
	for _, p := range all {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, true
		}
	}
	if len(all) == 0 {
		return "", true
	}
	return all[0], true
}

// Save is where a save dialog offering name writes. ok is false without a
// save folder.
func (h Hook) Save(name string) (path string, ok bool) {
	if h.saveDir == "" {
		return "", false
	}
	return filepath.Join(h.saveDir, name), true
}

func (h Hook) picked() []string {
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

// Dialogs are the file dialogs the hook answers in front of: the window's
// (app.Dialogs) have these methods. A cancelled dialog returns no path and
// no error.
type Dialogs interface {
	OpenFiles(ctx context.Context, title string) ([]string, error)
	OpenFolder(ctx context.Context, title string) (string, error)
	SaveFile(ctx context.Context, title, defaultName string) (string, error)
}

// Wrap returns next with the answers of the variables in getenv in front,
// or next itself when none is set. Only a build with -tags testhooks calls
// it (app/dialogs_hooks.go).
func Wrap(getenv func(string) string, next Dialogs) Dialogs {
	if hook := FromEnv(getenv); hook.Set() {
		return hooked{hook: hook, next: next}
	}
	return next
}

// hooked answers from the hook where it has an answer, and asks next
// otherwise.
type hooked struct {
	hook Hook
	next Dialogs
}

func (h hooked) OpenFiles(ctx context.Context, title string) ([]string, error) {
	if paths, ok := h.hook.Files(); ok {
		return paths, nil
	}
	return h.next.OpenFiles(ctx, title)
}

func (h hooked) OpenFolder(ctx context.Context, title string) (string, error) {
	if path, ok := h.hook.Folder(); ok {
		return path, nil
	}
	return h.next.OpenFolder(ctx, title)
}

func (h hooked) SaveFile(ctx context.Context, title, defaultName string) (string, error) {
	if path, ok := h.hook.Save(defaultName); ok {
		return path, nil
	}
	return h.next.SaveFile(ctx, title, defaultName)
}
