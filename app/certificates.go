package app

import (
	"context"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/local"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/report"
	"dpgcerts/backend/store"
)

// Certificates binds the collection of local certificate files to the
// window: the file and folder dialogs, the save dialogs of the exports, and
// the file manager. Every flow is backend/local's.
type Certificates struct {
	ctx  context.Context
	core *core
	lib  *local.Collection
	// list is the window's list (the session's), for the exports to say
	// which certificates are replaced.
	list func(context.Context) (overview.List, error)
}

func newCertificates(c *core) *Certificates {
	cs := &Certificates{core: c}
	cs.lib = local.New(local.Options{Store: c.st, Runtime: c.rt, Passwords: c.passwords,
		Emit: func(event string, data any) { c.emit(cs.ctx, event, data) }})
	return cs
}

func (c *Certificates) startup(ctx context.Context) {
	c.ctx = ctx
	c.lib.Start(ctx)
}

func (c *Certificates) shutdown(context.Context) { c.lib.Close() }

func (c *Certificates) context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// Details returns one file with its chain.
func (c *Certificates) Details(path string) (certs.File, error) { return c.lib.Details(path) }

// ScanState tells a window that opens during a scan where it stands.
func (c *Certificates) ScanState() local.ScanState { return c.lib.ScanState() }

// AddFiles asks for certificate files and reads them in the background
// (events scan:*). It returns false when the dialog was cancelled.
func (c *Certificates) AddFiles() (bool, error) {
	paths, err := c.core.dialogs.OpenFiles(c.context(), i18n.T(c.core.lang.Get(), "toolbar.addFiles"))
	if err != nil || len(paths) == 0 {
		return false, err
	}
	return c.lib.AddPaths(paths), nil
}

// AddPaths reads files dropped onto the window, in the background.
func (c *Certificates) AddPaths(paths []string) bool { return c.lib.AddPaths(paths) }

// ScanFolder asks for a folder, remembers it and scans it in the
// background. It returns the folder, or "" when the dialog was cancelled.
func (c *Certificates) ScanFolder() (string, error) {
	dir, err := c.core.dialogs.OpenFolder(c.context(), i18n.T(c.core.lang.Get(), "toolbar.scanFolder"))
	if err != nil || dir == "" {
		return "", err
	}
	return c.lib.AddFolder(dir)
}

// Rescan scans every remembered folder again, in the background.
func (c *Certificates) Rescan() error { return c.lib.Rescan() }

// Folders lists the remembered folders.
func (c *Certificates) Folders() ([]store.Folder, error) { return c.lib.Folders() }

// RemoveFolder forgets a folder and takes its files out of the overview.
func (c *Certificates) RemoveFolder(path string) error { return c.lib.RemoveFolder(path) }

// CancelScan stops the running scan and any waiting behind it.
func (c *Certificates) CancelScan() { c.lib.CancelScan() }

// Unlock reads a locked file again with password.
func (c *Certificates) Unlock(path, password string, remember bool) (local.UnlockResult, error) {
	return c.lib.Unlock(path, password, remember)
}

// CheckRevocation asks the CA now about the certificate in path.
func (c *Certificates) CheckRevocation(path string) (certs.File, error) {
	return c.lib.CheckRevocation(path)
}

// RevocationCheck says whether the background revocation checks are on.
func (c *Certificates) RevocationCheck() bool { return c.lib.RevocationCheck() }

// SetRevocationCheck turns the background revocation checks on or off.
func (c *Certificates) SetRevocationCheck(on bool) error { return c.lib.SetRevocationCheck(on) }

// ShowReplaced says whether the list shows the replaced certificates.
func (c *Certificates) ShowReplaced() bool { return c.lib.ShowReplaced() }

// SetShowReplaced remembers whether the list shows the replaced certificates.
func (c *Certificates) SetShowReplaced(on bool) error { return c.lib.SetShowReplaced(on) }

// WarnDays is the warning window before expiry, in days.
func (c *Certificates) WarnDays() int { return c.lib.WarnDays() }

// SetWarnDays sets the warning window and returns the days kept (clamped).
func (c *Certificates) SetWarnDays(days int) (int, error) { return c.lib.SetWarnDays(days) }

// saveFile asks where to save name and writes data there. It returns the
// path, or "" when the dialog was cancelled.
func (c *core) saveFile(ctx context.Context, title, name string, data []byte) (string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	path, err := c.dialogs.SaveFile(ctx, title, name)
	if err != nil || path == "" {
		return "", err
	}
	if err := report.Save(path, data); err != nil {
		return "", err
	}
	return path, nil
}

// ExportCSV saves the overview as CSV for Excel in lang. It returns the
// path, or "" when cancelled.
func (c *Certificates) ExportCSV(lang string) (string, error) { return c.export("csv", lang) }

// ExportJSON saves the overview in the shape of `dpgcerts scan --json`.
func (c *Certificates) ExportJSON() (string, error) { return c.export("json", c.core.lang.Get()) }

// ExportICS saves a calendar with each expiry and a reminder before it.
func (c *Certificates) ExportICS(lang string) (string, error) { return c.export("ics", lang) }

// export asks where to save local's export and writes it there. The
// window's list says which certificates are replaced.
func (c *Certificates) export(format, lang string) (string, error) {
	name, data, err := c.lib.Export(c.context(), format, lang, c.list)
	if err != nil {
		return "", err
	}
	return c.core.saveFile(c.context(), i18n.T(lang, "toolbar.export"), name, data)
}

// OpenFileLocation shows the file in the system's file manager.
func (c *Certificates) OpenFileLocation(path string) error { return local.Reveal(path) }
