package app

import (
	"context"
	"path/filepath"
)

// fakeDialogs answers like a user would.
type fakeDialogs struct {
	files  []string
	folder string
	save   string
	asked  []string
}

func (f *fakeDialogs) OpenFiles(_ context.Context, title string) ([]string, error) {
	f.asked = append(f.asked, "files:"+title)
	return f.files, nil
}

func (f *fakeDialogs) OpenFolder(_ context.Context, title string) (string, error) {
	f.asked = append(f.asked, "folder:"+title)
	return f.folder, nil
}

func (f *fakeDialogs) SaveFile(_ context.Context, title, name string) (string, error) {
	f.asked = append(f.asked, "save:"+name)
	if f.save == "" {
		return "", nil
	}
	return filepath.Join(f.save, name), nil
}
