//go:build !windows

package scan

import "io/fs"

// fileAttrs: there are no Windows file attributes here.
func fileAttrs(fs.FileInfo) uint32 { return 0 }

// entryKind is kindOf for a folder entry, without a stat per file.
func entryKind(d fs.DirEntry) kind { return kindOf(d.Type(), 0) }
