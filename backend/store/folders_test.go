package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestFolders(t *testing.T) {
	cwd, _ := os.Getwd()
	tests := []struct {
		name   string
		add    []string
		remove []string
		want   []string
	}{
		{name: "none", want: []string{}},
		{name: "sorted", add: []string{"/b", "/a", "/c/d"}, want: []string{"/a", "/b", "/c/d"}},
		{name: "added twice", add: []string{"/a", "/a/"}, want: []string{"/a"}},
		{name: "relative made absolute", add: []string{"rel"}, want: []string{filepath.Join(cwd, "rel")}},
		{name: "remove", add: []string{"/a", "/b"}, remove: []string{"/a"}, want: []string{"/b"}},
		{name: "remove unknown", add: []string{"/a"}, remove: []string{"/z"}, want: []string{"/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openUnixMemory(t)
			ctx := context.Background()
			for _, p := range tt.add {
				if _, err := s.AddFolder(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range tt.remove {
				if err := s.RemoveFolder(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			fs, err := s.Folders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range fs {
				got = append(got, f.Path)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Folders = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddFolderKeepsFirstTime(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	now := time.Now()
	s.now = func() time.Time { return now }
	first, err := s.AddFolder(ctx, "/a")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour) // a second add, an hour later
	again, _ := s.AddFolder(ctx, "/a")
	if !again.AddedAt.Equal(first.AddedAt) {
		t.Errorf("AddedAt changed: %v -> %v", first.AddedAt, again.AddedAt)
	}
	list, _ := s.Folders(ctx)
	if len(list) != 1 || !list[0].AddedAt.Equal(first.AddedAt) || time.Since(first.AddedAt) > time.Minute {
		t.Errorf("Folders = %+v", list)
	}
}
