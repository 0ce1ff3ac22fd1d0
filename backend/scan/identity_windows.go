package scan

import (
	"io/fs"
	"strconv"
	"unsafe"

	"golang.org/x/sys/windows"
)

// identity is the file's volume serial number and file index, and its
// change time. Neither is in a directory listing, so the file is opened
// (for its attributes only, not its content).
func identity(path string, _ fs.FileInfo) (id string, ctimeNS int64) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return "", 0
	}
	h, err := windows.CreateFile(p, windows.FILE_READ_ATTRIBUTES,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return "", 0
	}
	defer windows.CloseHandle(h)
	var info windows.ByHandleFileInformation
	if windows.GetFileInformationByHandle(h, &info) == nil {
		id = strconv.FormatUint(uint64(info.VolumeSerialNumber), 10) + ":" +
			strconv.FormatUint(uint64(info.FileIndexHigh)<<32|uint64(info.FileIndexLow), 10)
	}
	var basic fileBasicInfo
	if windows.GetFileInformationByHandleEx(h, windows.FileBasicInfo, (*byte)(unsafe.Pointer(&basic)), uint32(unsafe.Sizeof(basic))) == nil {
		// 100 ns intervals since 1601 to Unix nanoseconds.
		ctimeNS = (basic.ChangeTime - 116444736000000000) * 100
	}
	return id, ctimeNS
}

// fileBasicInfo is FILE_BASIC_INFO, which x/sys/windows doesn't declare.
type fileBasicInfo struct {
	CreationTime, LastAccessTime, LastWriteTime, ChangeTime int64
	FileAttributes                                          uint32
	_                                                       uint32
}
