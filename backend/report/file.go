package report

import (
	"log"
	"os"
	"runtime"

	"dpgcerts/backend/errs"
)

// Save writes data to the path the user chose to save it at (WriteFile). A
// failure is write_failed, with the details in the log.
func Save(path string, data []byte) error {
	if err := WriteFile(path, data); err != nil {
		log.Printf("dpgcerts: export: %v", err)
		return errs.New(errs.WriteFailed, "The file could not be saved.")
	}
	return nil
}

// WriteFile writes an export. It is 0600, like the database: an export
// names the organisation's certificate files and where they are. A file
// that existed with a wider mode is tightened too (Windows has no such
// modes, and its ACLs are left as they are).
func WriteFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
