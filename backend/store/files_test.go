package store

import (
	"context"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

var day0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func testCert(cn string, raw []byte) certs.Certificate {
	return certs.Certificate{
		Subject: "CN=" + cn, CommonName: cn, Organization: "Org", CVR: "12345678",
		Issuer: "CN=CA", SerialNumber: "01", NotBefore: day0, NotAfter: day0.AddDate(1, 0, 0),
		DaysLeft: 365, SHA1: "aa", SHA256: "bb", KeyAlgorithm: "RSA 3072",
		SignatureAlgorithm: "SHA256-RSA", OCES: "oces3", Raw: raw,
	}
}

func testEntry(path string) Entry {
	c := testCert("leaf", []byte{0x30, 0x03, 1, 2, 3})
	return Entry{
		Path: path, Size: 1234, MtimeNS: day0.UnixNano(), SHA256: "sum-" + path, Reader: "r1",
		File: certs.File{
			Path: path, Format: certs.FormatPKCS12, Status: certs.StatusValid,
			Encryption: "AES-256-CBC", HasPrivateKey: true, KeyMatchesCertificate: true,
			Certificate: &c,
			Chain: []certs.Certificate{
				testCert("intermediate", []byte{0x30, 0x01, 9}),
				testCert("root", []byte{0x30, 0x02, 7, 8}),
			},
			PasswordIndex: -1,
		},
		ReadAt: day0,
	}
}

func TestFilesRoundTrip(t *testing.T) {
	noRaw := testEntry("/c/noraw.p12")
	noRaw.File.Chain[0].Raw = nil // must not shift the root's DER
	locked := Entry{Path: "/c/locked.p12", Size: 10, MtimeNS: 5, SHA256: "x",
		File: certs.File{Path: "/c/locked.p12", Format: certs.FormatPKCS12, Status: certs.StatusLocked,
			Error: &errs.Error{Code: errs.PasswordRequired, Message: "m"}, Chain: []certs.Certificate{}, PasswordIndex: -1},
		ReadAt: day0}
	unreadable := Entry{Path: "/c/junk.txt", Size: 3, MtimeNS: 6, SHA256: "y",
		File: certs.File{Path: "/c/junk.txt", Status: certs.StatusUnreadable,
			Error: &errs.Error{Code: errs.NotACertificate, Message: "m"}, PasswordIndex: -1},
		ReadAt: day0}
	tests := []struct {
		name string
		in   Entry
	}{
		{"full with chain", testEntry("/c/full.p12")},
		{"chain member without DER", noRaw},
		{"locked", locked},
		{"unreadable, nil chain", unreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openMemory(t)
			ctx := context.Background()
			if err := s.PutFiles(ctx, []Entry{tt.in}); err != nil {
				t.Fatal(err)
			}
			all, err := s.LoadFiles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := all[tt.in.Path]
			if !ok || len(all) != 1 {
				t.Fatalf("LoadFiles = %d rows, entry found %v", len(all), ok)
			}
			if !got.ReadAt.Equal(tt.in.ReadAt) {
				t.Errorf("ReadAt %v, want %v", got.ReadAt, tt.in.ReadAt)
			}
			got.ReadAt = tt.in.ReadAt
			want := tt.in
			if want.File.Chain == nil {
				want.File.Chain = []certs.Certificate{} // so JSON says [] rather than null
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLoadFilesSkipsDamagedRows(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	if err := s.PutFiles(ctx, []Entry{testEntry("/a"), testEntry("/b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE files SET chain_der = x'ff' WHERE path = '/b'`); err != nil {
		t.Fatal(err)
	}
	all, err := s.LoadFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := all["/b"]; ok || len(all) != 1 {
		t.Errorf("got %d rows, damaged row kept: %v", len(all), ok)
	}
}

func TestPutFilesUpserts(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	e := testEntry("/c/a.p12")
	if err := s.PutFiles(ctx, []Entry{e, testEntry("/c/b.p12")}); err != nil {
		t.Fatal(err)
	}
	e.Size, e.SHA256, e.File.Status = 99, "new", certs.StatusExpired
	if err := s.PutFiles(ctx, []Entry{e}); err != nil {
		t.Fatal(err)
	}
	all, _ := s.LoadFiles(ctx)
	if len(all) != 2 {
		t.Fatalf("%d rows, want 2", len(all))
	}
	if got := all["/c/a.p12"]; got.Size != 99 || got.SHA256 != "new" || got.File.Status != certs.StatusExpired {
		t.Errorf("not replaced: %+v", got)
	}
	if err := s.PutFiles(ctx, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestPutFilesCanceled(t *testing.T) {
	s := openMemory(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.PutFiles(ctx, []Entry{testEntry("/a")}); err == nil {
		t.Error("no error with a canceled context")
	}
	if all, _ := s.LoadFiles(context.Background()); len(all) != 0 {
		t.Errorf("%d rows written", len(all))
	}
}

func TestFile(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	if err := s.PutFiles(ctx, []Entry{testEntry("/c/a.p12"), testEntry("/c/b.p12")}); err != nil {
		t.Fatal(err)
	}
	all, err := s.LoadFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		wantOK     bool
	}{
		{"found", "/c/a.p12", true},
		{"not found", "/c/nope.p12", false},
		{"a prefix is not the file", "/c/a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok, err := s.File(ctx, tt.path)
			if err != nil || ok != tt.wantOK {
				t.Fatalf("File(%q) = %v, %v; want %v", tt.path, ok, err, tt.wantOK)
			}
			if want := all[tt.path]; ok && !reflect.DeepEqual(e, want) {
				t.Errorf("File(%q) is not LoadFiles' entry\n got %+v\nwant %+v", tt.path, e, want)
			}
		})
	}
}

func TestFindBySHA256(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	old, newer := testEntry("/old/a.p12"), testEntry("/new/a.p12")
	old.SHA256, newer.SHA256 = "same", "same"
	newer.ReadAt = old.ReadAt.Add(time.Hour)
	if err := s.PutFiles(ctx, []Entry{old, newer, testEntry("/other")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		sum      string
		wantOK   bool
		wantPath string
	}{
		{"newest of two", "same", true, "/new/a.p12"},
		{"unique", "sum-/other", true, "/other"},
		{"unknown", "nope", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok, err := s.FindBySHA256(ctx, tt.sum)
			if err != nil || ok != tt.wantOK || e.Path != tt.wantPath {
				t.Errorf("FindBySHA256(%q) = %q, %v, %v; want %q, %v", tt.sum, e.Path, ok, err, tt.wantPath, tt.wantOK)
			}
			if ok && (e.File.Path != e.Path || e.File.Certificate == nil || len(e.File.Certificate.Raw) == 0) {
				t.Errorf("incomplete entry: %+v", e.File)
			}
		})
	}
}

func TestDeleteMissing(t *testing.T) {
	paths := []string{"/r", "/r/a", "/r/sub/b", "/r/sub/c", "/rx/d", "/other/e", "/r.db"}
	tests := []struct {
		name     string
		root     string
		seen     []string
		wantGone int
		wantLeft []string
	}{
		{"all seen", "/r", []string{"/r", "/r/a", "/r/sub/b", "/r/sub/c"}, 0, paths},
		{"some gone", "/r", []string{"/r/a"}, 3, []string{"/r/a", "/rx/d", "/other/e", "/r.db"}},
		{"sub folder only", "/r/sub", []string{"/r/sub/c"}, 1, []string{"/r", "/r/a", "/r/sub/c", "/rx/d", "/other/e", "/r.db"}},
		{"trailing slash cleaned", "/r/sub/", nil, 2, []string{"/r", "/r/a", "/rx/d", "/other/e", "/r.db"}},
		{"unknown root", "/nope", nil, 0, paths},
		{"file system root", "/", []string{"/r/a"}, 6, []string{"/r/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openUnixMemory(t)
			ctx := context.Background()
			var es []Entry
			for _, p := range paths {
				es = append(es, testEntry(p))
			}
			if err := s.PutFiles(ctx, es); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, p := range tt.seen {
				seen[p] = true
			}
			n, err := s.DeleteMissing(ctx, tt.root, seen)
			if err != nil || n != tt.wantGone {
				t.Errorf("DeleteMissing = %d, %v; want %d", n, err, tt.wantGone)
			}
			all, _ := s.LoadFiles(ctx)
			if len(all) != len(tt.wantLeft) {
				t.Errorf("%d left, want %d", len(all), len(tt.wantLeft))
			}
			for _, p := range tt.wantLeft {
				if _, ok := all[p]; !ok {
					t.Errorf("%s was deleted", p)
				}
			}
		})
	}
}

func BenchmarkLoadFiles(b *testing.B) {
	s, err := Open(b.TempDir() + "/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var es []Entry
	for i := range 2000 {
		e := testEntry("/bench/" + strconv.Itoa(i) + ".p12")
		// Realistic DER sizes: a leaf and two CA certificates of ~1.5 KiB.
		e.File.Certificate.Raw = make([]byte, 1500)
		e.File.Chain[0].Raw = make([]byte, 1500)
		e.File.Chain[1].Raw = make([]byte, 1400)
		es = append(es, e)
	}
	if err := s.PutFiles(ctx, es); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		all, err := s.LoadFiles(ctx)
		if err != nil || len(all) != 2000 {
			b.Fatal(len(all), err)
		}
	}
}

func filepathSep() rune { return rune(os.PathSeparator) }
