package monitor

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteTextfile writes data to path atomically, as node_exporter's textfile
// collector needs: a temporary file in the same folder (not named *.prom,
// so the collector never reads it half-written), then a rename over path.
func WriteTextfile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("the metrics file can't be written: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("the metrics file can't be written: %w", err)
	}
	return nil
}
