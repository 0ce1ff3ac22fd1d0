package notify

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
)

// The Windows toast's definition and PowerShell's command encoding, pure
// and so tested on every system.

// toastXML is the toast's definition; the texts are XML-escaped.
func toastXML(m Message) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	var lines strings.Builder
	for _, l := range strings.Split(m.Body, "\n") {
		lines.WriteString("<text>" + esc.Replace(l) + "</text>")
	}
	return `<toast><visual><binding template="ToastGeneric"><text>` + esc.Replace(m.Title) + `</text>` +
		lines.String() + `</binding></visual></toast>`
}

// encodeCommand is PowerShell's -EncodedCommand form: base64 of UTF-16LE.
func encodeCommand(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}
