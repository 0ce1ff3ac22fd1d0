//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package scan

import (
	"io/fs"
	"strconv"
	"syscall"
)

// identity is the file's device and inode, and its ctime.
func identity(_ string, fi fs.FileInfo) (id string, ctimeNS int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", 0
	}
	return strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(uint64(st.Ino), 10), changeTime(st)
}
