package notify

import (
	"encoding/base64"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestToastXML(t *testing.T) {
	m := Message{Title: "1 opgave i DPG", Body: "Exchange Online (a&b <x>): certifikatet udløber om 5 dage.\n\"Fornyelsen\" o'k"}
	doc := toastXML(m)
	var toast struct {
		Binding struct {
			Template string   `xml:"template,attr"`
			Texts    []string `xml:"text"`
		} `xml:"visual>binding"`
	}
	if err := xml.Unmarshal([]byte(doc), &toast); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	want := []string{m.Title, "Exchange Online (a&b <x>): certifikatet udløber om 5 dage.", `"Fornyelsen" o'k`}
	if toast.Binding.Template != "ToastGeneric" || strings.Join(toast.Binding.Texts, "|") != strings.Join(want, "|") {
		t.Fatalf("toast %+v", toast)
	}
}

func TestEncodeCommand(t *testing.T) {
	b, err := base64.StdEncoding.DecodeString(encodeCommand("Write-Output 'æ'"))
	if err != nil || len(b)%2 != 0 {
		t.Fatal(err)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	if got := string(utf16.Decode(u)); got != "Write-Output 'æ'" {
		t.Fatalf("%q", got)
	}
}
