package certs

import (
	"crypto/cipher"
	"hash"
)

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
