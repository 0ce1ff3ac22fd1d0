package certs

import (
	"encoding/asn1"
	"errors"
)

// Windows and Java write PKCS#12 in BER: indefinite lengths and octet
// strings cut into chunks. Go's encoding/asn1 reads only DER, so the reader
// turns BER into DER first. This is the part of the reader that sees the most
// hostile input, so it is bounded in depth and fuzzed.

const maxBERDepth = 48

// maxBERElements bounds the elements of one conversion. A real PKCS#12 file
// has a few hundred (a few thousand when Java cuts strings into 1 KiB
// chunks); without a bound, 4 MiB of "05 00" is two million elements and
// hundreds of MiB of tree.
const maxBERElements = 1 << 16

var errBER = errors.New("malformed ASN.1")

// unmarshalBER parses data into out, converting BER to DER if DER parsing
// fails. Trailing data after the first element is an error.
func unmarshalBER(data []byte, out any) error {
	rest, err := asn1.Unmarshal(data, out)
	if err == nil && len(rest) == 0 {
		return nil
	}
	der, cerr := toDER(data)
	if cerr != nil {
		return cerr
	}
	rest, err = asn1.Unmarshal(der, out)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errBER
	}
	return nil
}

// toDER re-encodes the first BER element of data as DER. Bytes after it are
// ignored, as OpenSSL does.
func toDER(data []byte) ([]byte, error) {
	el, _, err := parseBER(data, 0)
	if err != nil {
		return nil, err
	}
	return el.appendDER(nil), nil
}

type berElement struct {
	tag         []byte // identifier octets as read, constructed bit cleared for flattened strings
	constructed bool
	content     []byte       // primitive content
	children    []berElement // constructed content
}

// stringTags are universal types whose BER form may be cut into chunks;
// DER wants them primitive.
var stringTags = map[byte]bool{
	4: true, 12: true, 18: true, 19: true, 20: true, 21: true, 22: true,
	25: true, 26: true, 27: true, 28: true, 30: true,
}

func parseBER(data []byte, depth int) (berElement, []byte, error) {
	n := 0
	return parseBERCounted(data, depth, &n)
}

// parseBERCounted counts the elements in *n and fails past maxBERElements.
func parseBERCounted(data []byte, depth int, n *int) (berElement, []byte, error) {
	var el berElement
	*n++
	if depth > maxBERDepth || len(data) < 2 || *n > maxBERElements {
		return el, nil, errBER
	}
	// Identifier octets.
	i := 1
	if data[0]&0x1f == 0x1f {
		for {
			if i >= len(data) || i > 5 {
				return el, nil, errBER
			}
			i++
			if data[i-1]&0x80 == 0 {
				break
			}
		}
	}
	el.tag = data[:i]
	el.constructed = data[0]&0x20 != 0
	if i >= len(data) {
		return el, nil, errBER
	}
	// Length octets.
	l := int(data[i])
	i++
	indefinite := false
	switch {
	case l == 0x80:
		if !el.constructed {
			return el, nil, errBER
		}
		indefinite = true
	case l > 0x80:
		n := l & 0x7f
		if n > 4 || i+n > len(data) {
			return el, nil, errBER
		}
		l = 0
		for _, b := range data[i : i+n] {
			l = l<<8 | int(b)
		}
		i += n
		if l < 0 {
			return el, nil, errBER
		}
	}
	body := data[i:]
	if !indefinite {
		if l > len(body) {
			return el, nil, errBER
		}
		body, data = body[:l], body[l:]
		if !el.constructed {
			el.content = body
			return el, data, nil
		}
		for len(body) > 0 {
			child, rest, err := parseBERCounted(body, depth+1, n)
			if err != nil {
				return el, nil, err
			}
			el.children = append(el.children, child)
			body = rest
		}
	} else {
		for {
			if len(body) >= 2 && body[0] == 0 && body[1] == 0 {
				data = body[2:]
				break
			}
			child, rest, err := parseBERCounted(body, depth+1, n)
			if err != nil {
				return el, nil, err
			}
			el.children = append(el.children, child)
			body = rest
		}
	}
	if el.constructed && data0IsUniversal(el.tag) {
		if err := el.flatten(); err != nil {
			return el, nil, err
		}
	}
	return el, data, nil
}

func data0IsUniversal(tag []byte) bool { return tag[0]&0xc0 == 0 && len(tag) == 1 }

// flatten turns a chunked universal string into its primitive form.
func (el *berElement) flatten() error {
	num := el.tag[0] & 0x1f
	if num != 3 && !stringTags[num] {
		return nil
	}
	var content []byte
	for i, c := range el.children {
		if c.constructed || c.tag[0]&0x1f != num {
			return errBER
		}
		if num == 3 { // BIT STRING: each chunk starts with its unused-bits count
			if len(c.content) == 0 || (i < len(el.children)-1 && c.content[0] != 0) {
				return errBER
			}
			if i == 0 {
				content = append(content, 0)
			}
			content[0] = c.content[0]
			content = append(content, c.content[1:]...)
			continue
		}
		content = append(content, c.content...)
	}
	if num == 3 && content == nil {
		content = []byte{0}
	}
	el.tag = []byte{el.tag[0] &^ 0x20}
	el.constructed = false
	el.children = nil
	el.content = content
	return nil
}

func (el *berElement) appendDER(out []byte) []byte {
	out = append(out, el.tag...)
	if !el.constructed {
		out = appendLength(out, len(el.content))
		return append(out, el.content...)
	}
	var body []byte
	for i := range el.children {
		body = el.children[i].appendDER(body)
	}
	out = appendLength(out, len(body))
	return append(out, body...)
}

func appendLength(out []byte, n int) []byte {
	if n < 0x80 {
		return append(out, byte(n))
	}
	var buf [4]byte
	k := 0
	for v := n; v > 0; v >>= 8 {
		k++
	}
	for j := 0; j < k; j++ {
		buf[j] = byte(n >> (8 * (k - 1 - j)))
	}
	out = append(out, 0x80|byte(k))
	return append(out, buf[:k]...)
}

// octets returns the bytes of an OCTET STRING that may be primitive or,
// in BER, constructed from chunks (as in [0] IMPLICIT encrypted content).
func octets(v asn1.RawValue) ([]byte, error) { return octetsDepth(v, 0) }

func octetsDepth(v asn1.RawValue, depth int) ([]byte, error) {
	if depth > maxBERDepth {
		return nil, errBER
	}
	if !v.IsCompound {
		return v.Bytes, nil
	}
	var out []byte
	rest := v.Bytes
	for len(rest) > 0 {
		var chunk asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &chunk)
		if err != nil {
			return nil, err
		}
		b, err := octetsDepth(chunk, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}
