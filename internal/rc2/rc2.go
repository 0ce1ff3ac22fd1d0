// Package rc2 is the RC2 block cipher (RFC 2268). The standard library has
// none, and legacy PKCS#12 files (older OpenSSL, many Windows exports) still
// encrypt their certificates with RC2-40: backend/certs decrypts them, and
// the test kit writes them.
package rc2

import (
	"crypto/cipher"
	"encoding/binary"
	"math/bits"
)

// rc2Cipher is RC2 with an expanded key.
type rc2Cipher struct {
	k [64]uint16
}

// New expands key with the given effective key length in bits.
func New(key []byte, effectiveBits int) cipher.Block {
	var l [128]byte
	t := len(key)
	copy(l[:], key)
	for i := t; i < 128; i++ {
		l[i] = piTable[l[i-1]+l[i-t]]
	}
	t8 := (effectiveBits + 7) / 8
	tm := byte(0xff >> uint(8*t8-effectiveBits))
	l[128-t8] = piTable[l[128-t8]&tm]
	for i := 127 - t8; i >= 0; i-- {
		l[i] = piTable[l[i+1]^l[i+t8]]
	}
	c := &rc2Cipher{}
	for i := range c.k {
		c.k[i] = uint16(l[2*i]) | uint16(l[2*i+1])<<8
	}
	return c
}

func (c *rc2Cipher) BlockSize() int { return 8 }

var shifts = [4]int{1, 2, 3, 5}

func (c *rc2Cipher) Encrypt(dst, src []byte) {
	j := 0
	mix := func(r *[4]uint16) {
		for i := 0; i < 4; i++ {
			r[i] += c.k[j] + (r[(i+3)%4] & r[(i+2)%4]) + (^r[(i+3)%4] & r[(i+1)%4])
			j++
			r[i] = bits.RotateLeft16(r[i], shifts[i])
		}
	}
	mash := func(r *[4]uint16) {
		for i := 0; i < 4; i++ {
			r[i] += c.k[r[(i+3)%4]&63]
		}
	}
	crypt(dst, src, mix, mash)
}

func (c *rc2Cipher) Decrypt(dst, src []byte) {
	j := 63
	rmix := func(r *[4]uint16) {
		for i := 3; i >= 0; i-- {
			r[i] = bits.RotateLeft16(r[i], -shifts[i])
			r[i] -= c.k[j] + (r[(i+3)%4] & r[(i+2)%4]) + (^r[(i+3)%4] & r[(i+1)%4])
			j--
		}
	}
	rmash := func(r *[4]uint16) {
		for i := 3; i >= 0; i-- {
			r[i] -= c.k[r[(i+3)%4]&63]
		}
	}
	crypt(dst, src, rmix, rmash)
}

// crypt runs RC2's schedule over one block: five mixing rounds, a mashing
// round, six mixing, a mashing, five mixing. Encryption and decryption
// differ only in their rounds (decryption's undo encryption's, in reverse).
func crypt(dst, src []byte, mix, mash func(r *[4]uint16)) {
	var r [4]uint16
	for i := range r {
		r[i] = binary.LittleEndian.Uint16(src[2*i:])
	}
	for _, n := range [5]int{5, -1, 6, -1, 5} {
		if n < 0 {
			mash(&r)
			continue
		}
		for ; n > 0; n-- {
			mix(&r)
		}
	}
	for i := range r {
		binary.LittleEndian.PutUint16(dst[2*i:], r[i])
	}
}
