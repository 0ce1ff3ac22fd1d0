package overview

import "testing"

func TestForList(t *testing.T) {
	in := Overview{WarnDays: 30, Certificates: []Certificate{
		{SHA256: "aa", SHA1: "a1", Email: "a@example.dk", UUID: "u-a", CommonName: "a", Files: []string{"/a.p12"}, Raw: []byte{1}},
		{SHA256: "bb", SHA1: "b1", Email: "b@example.dk", UUID: "u-b", CommonName: "b", InPortal: true},
	}}
	got := in.ForList()
	t.Run("a certificate with a file leaves the file's facts to the file", func(t *testing.T) {
		c := got.Certificates[0]
		if c.SHA1 != "" || c.Email != "" || c.UUID != "" || c.Raw != nil {
			t.Fatalf("got %+v", c)
		}
		if c.SHA256 != "aa" || c.CommonName != "a" || len(c.Files) != 1 {
			t.Fatalf("lost what the list uses: %+v", c)
		}
	})
	t.Run("a certificate only in DPG keeps them, for its details", func(t *testing.T) {
		c := got.Certificates[1]
		if c.SHA1 != "b1" || c.Email != "b@example.dk" || c.UUID != "u-b" {
			t.Fatalf("got %+v", c)
		}
	})
	t.Run("leaves the overview alone", func(t *testing.T) {
		if in.Certificates[0].SHA1 != "a1" || in.Certificates[0].Raw == nil || got.WarnDays != 30 {
			t.Fatalf("the input changed: %+v", in.Certificates[0])
		}
	})
}
