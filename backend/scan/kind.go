package scan

import (
	"errors"
	"io/fs"
)

var errOnlineOnly = errors.New("online-only file")

// Windows file attributes of a file whose content is not on this computer.
const (
	attrOffline            = 0x00001000 // FILE_ATTRIBUTE_OFFLINE
	attrRecallOnOpen       = 0x00040000 // FILE_ATTRIBUTE_RECALL_ON_OPEN
	attrRecallOnDataAccess = 0x00400000 // FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS
)

// kind is what the scan does with a path it meets.
type kind int

const (
	kindSkip       kind = iota // a folder (walked), a link, device, pipe or socket
	kindFile                   // read it
	kindOnlineOnly             // report it as online_only, unread
)

// kindOf decides from a file's mode and its Windows file attributes (0
// elsewhere).
//
// Since Go 1.23 a reparse point Go doesn't know is ModeIrregular, and so is
// every OneDrive file (IO_REPARSE_TAG_CLOUD_*). One kept on this device has
// its data here: it is read like any file. One that is online only carries a
// recall attribute: opening it would download it, and a background scan of
// a synced folder would download all of it, so it is reported instead. No
// file is skipped silently.
func kindOf(mode fs.FileMode, attrs uint32) kind {
	const notFiles = fs.ModeDir | fs.ModeSymlink | fs.ModeNamedPipe | fs.ModeSocket | fs.ModeDevice | fs.ModeCharDevice
	switch {
	case mode&notFiles != 0:
		return kindSkip
	case attrs&(attrOffline|attrRecallOnOpen|attrRecallOnDataAccess) != 0:
		return kindOnlineOnly
	default: // regular, or irregular (a reparse point holding data)
		return kindFile
	}
}
