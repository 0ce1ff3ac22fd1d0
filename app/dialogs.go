package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"dpgcerts/backend/i18n"
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
