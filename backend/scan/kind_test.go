package scan

import (
	"io/fs"
	"testing"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

func TestKindOf(t *testing.T) {
	const (
		archive     = 0x20    // FILE_ATTRIBUTE_ARCHIVE
		reparse     = 0x400   // FILE_ATTRIBUTE_REPARSE_POINT
		pinned      = 0x80000 // FILE_ATTRIBUTE_PINNED ("Always keep on this device")
		unpinned    = 0x100000
		directory   = 0x10
		oneDriveRO  = reparse | archive | unpinned | attrRecallOnDataAccess
		sharePoint  = reparse | attrRecallOnOpen
		hsmArchived = archive | attrOffline
	)
	for _, tc := range []struct {
		name  string
		mode  fs.FileMode
		attrs uint32
		want  kind
	}{
		{"a regular file", 0o644, 0, kindFile},
		{"a regular file on Windows", 0o666, archive, kindFile},
		{"a OneDrive file kept on this device (irregular since Go 1.23)", fs.ModeIrregular | 0o666, reparse | archive | pinned, kindFile},
		{"a OneDrive file once opened, not pinned", fs.ModeIrregular | 0o666, reparse | archive, kindFile},
		{"a OneDrive online-only file", fs.ModeIrregular | 0o666, oneDriveRO, kindOnlineOnly},
		{"an online-only file recalled on open", fs.ModeIrregular | 0o666, sharePoint, kindOnlineOnly},
		{"an offline (archived) file without a reparse point", 0o666, hsmArchived, kindOnlineOnly},
		{"a deduplicated file (regular to Go)", 0o666, reparse | archive, kindFile},
		{"an unknown irregular file on Linux", fs.ModeIrregular, 0, kindFile},
		{"a folder", fs.ModeDir | 0o755, 0, kindSkip},
		{"a OneDrive folder (a cloud reparse point)", fs.ModeDir | fs.ModeIrregular | 0o777, reparse | directory | attrRecallOnDataAccess, kindSkip},
		{"a symbolic link", fs.ModeSymlink | 0o777, 0, kindSkip},
		{"a named pipe", fs.ModeNamedPipe | 0o600, 0, kindSkip},
		{"a socket", fs.ModeSocket | 0o600, 0, kindSkip},
		{"a device", fs.ModeDevice | fs.ModeCharDevice | 0o600, 0, kindSkip},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := kindOf(tc.mode, tc.attrs); got != tc.want {
				t.Errorf("kindOf(%v, %#x) = %d, want %d", tc.mode, tc.attrs, got, tc.want)
			}
		})
	}
}

func TestOnlineOnlyIsReported(t *testing.T) {
	f := errorFile(`C:\Users\a\OneDrive\cert.p12`, errOnlineOnly)
	if f.Status != certs.StatusUnreadable || f.Error == nil || f.Error.Code != errs.OnlineOnly {
		t.Fatalf("got %+v", f)
	}
}
