//go:build darwin || freebsd || netbsd

package scan

import "syscall"

// changeTime is the inode's change time; the field's name differs by system.
func changeTime(st *syscall.Stat_t) int64 { return st.Ctimespec.Nano() }
