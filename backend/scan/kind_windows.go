package scan

import (
	"io/fs"
	"syscall"
)

// fileAttrs is the file's FILE_ATTRIBUTE_* bits.
func fileAttrs(fi fs.FileInfo) uint32 {
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		return d.FileAttributes
	}
	return 0
}

// entryKind is kindOf for a folder entry. Info is cheap here: it comes from
// the folder listing, and opens nothing.
func entryKind(d fs.DirEntry) kind {
	fi, err := d.Info()
	if err != nil {
		return kindOf(d.Type(), 0)
	}
	return kindOf(fi.Mode(), fileAttrs(fi))
}
