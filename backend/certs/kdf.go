package certs

import (
	"crypto/cipher"
	"hash"
	"unicode/utf16"
)

// PKCS#12 key derivation (RFC 7292 appendix B). The ID byte says what the
// derived bytes are for.
const (
	kdfKey byte = 1
	kdfIV  byte = 2
	kdfMAC byte = 3
)

// pkcs12KDF derives size bytes from a BMPString password and a salt.
// newHash gives the digest; v is its block size in bytes.
func pkcs12KDF(newHash func() hash.Hash, id byte, password, salt []byte, iterations, size int) []byte {
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

// pbkdf1 is PBKDF1 (RFC 8018 section 5.1), used by the PBES1 schemes.
func pbkdf1(newHash func() hash.Hash, password, salt []byte, iterations int) []byte {
	h := newHash()
	h.Write(password)
	h.Write(salt)
	t := h.Sum(nil)
	for i := 1; i < iterations; i++ {
		h.Reset()
		h.Write(t)
		t = h.Sum(t[:0])
	}
	return t
}

// bmpPassword encodes a password as PKCS#12 wants it for the legacy schemes:
// UTF-16 big-endian with a terminating zero. The empty password becomes two
// zero bytes here; its other form (no bytes at all) is tried separately.
func bmpPassword(password string) []byte {
	units := utf16.Encode([]rune(password))
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0)
}

// bytewiseBMPPassword is what OpenSSL 1.x made of a non-ASCII password: each
// UTF-8 byte taken as one character. Files made that way exist in the wild.
func bytewiseBMPPassword(password string) []byte {
	out := make([]byte, 0, 2*len(password)+2)
	for i := 0; i < len(password); i++ {
		out = append(out, 0, password[i])
	}
	return append(out, 0, 0)
}

// latin1Password is the password as ISO 8859-1 bytes, or nil when it has a
// character outside Latin-1. Some Windows tools wrote æ, ø and å that way.
func latin1Password(password string) []byte {
	out := make([]byte, 0, len(password))
	for _, r := range password {
		if r > 0xff {
			return nil
		}
		out = append(out, byte(r))
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// cipherCBCDecrypt decrypts src into dst in CBC mode.
func cipherCBCDecrypt(b cipher.Block, iv, dst, src []byte) {
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(dst, src)
}
