// Package pkcs12kdf is the key derivation of PKCS#12's password-based
// encryption and MAC (RFC 7292 appendix B), and the password forms it takes.
// backend/certs reads with it, and the test kit writes with it.
package pkcs12kdf

import (
	"hash"
	"unicode/utf16"
)

// The ID byte says what the derived bytes are for.
const (
	Key byte = 1
	IV  byte = 2
	MAC byte = 3
)

// Derive derives size bytes from a BMPString password and a salt.
// newHash gives the digest; v is its block size in bytes.
func Derive(newHash func() hash.Hash, id byte, password, salt []byte, iterations, size int) []byte {
	h := newHash()
	u, v := h.Size(), h.BlockSize()

	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	// I = S || P, each repeated to a multiple of v bytes.
	fill := func(src []byte) []byte {
		if len(src) == 0 {
			return nil
		}
		out := make([]byte, v*((len(src)+v-1)/v))
		for i := range out {
			out[i] = src[i%len(src)]
		}
		return out
	}
	in := append(fill(salt), fill(password)...)

	out := make([]byte, 0, size+u)
	a := make([]byte, 0, u)
	b := make([]byte, v)
	for {
		h.Reset()
		h.Write(d)
		h.Write(in)
		a = h.Sum(a[:0])
		for i := 1; i < iterations; i++ {
			h.Reset()
			h.Write(a)
			a = h.Sum(a[:0])
		}
		out = append(out, a...)
		if len(out) >= size {
			return out[:size]
		}
		// I_j = (I_j + B + 1) mod 2^(v*8) for each v-byte block of I.
		for i := range b {
			b[i] = a[i%u]
		}
		for j := 0; j < len(in); j += v {
			carry := uint16(1)
			for k := v - 1; k >= 0; k-- {
				carry += uint16(in[j+k]) + uint16(b[k])
				in[j+k] = byte(carry)
				carry >>= 8
			}
		}
	}
}

// BMP encodes a password as PKCS#12 wants it for the legacy schemes:
// UTF-16 big-endian with a terminating zero. The empty password becomes two
// zero bytes here; its other form (no bytes at all) is tried separately.
func BMP(password string) []byte {
	units := utf16.Encode([]rune(password))
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0)
}

// BytewiseBMP is what OpenSSL 1.x made of a non-ASCII password: each
// UTF-8 byte taken as one character. Files made that way exist in the wild.
func BytewiseBMP(password string) []byte {
	out := make([]byte, 0, 2*len(password)+2)
	for i := 0; i < len(password); i++ {
		out = append(out, 0, password[i])
	}
	return append(out, 0, 0)
}
