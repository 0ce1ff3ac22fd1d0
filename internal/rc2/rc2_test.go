package rc2

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"os/exec"
	"testing"
)

func TestRC2Vectors(t *testing.T) {
	// Test vectors from RFC 2268 section 5.
	tests := []struct {
		key, plain, cipher string
		bits               int
	}{
		{"0000000000000000", "0000000000000000", "ebb773f993278eff", 63},
		{"ffffffffffffffff", "ffffffffffffffff", "278b27e42e2f0d49", 64},
		{"3000000000000000", "1000000000000001", "30649edf9be7d2c2", 64},
		{"88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "2269552ab0f85ca6", 128},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			key, _ := hex.DecodeString(tt.key)
			plain, _ := hex.DecodeString(tt.plain)
			want, _ := hex.DecodeString(tt.cipher)
			c := New(key, tt.bits)
			got := make([]byte, 8)
			c.Encrypt(got, plain)
			if !bytes.Equal(got, want) {
				t.Fatalf("encrypt = %x, want %x", got, want)
			}
			back := make([]byte, 8)
			c.Decrypt(back, got)
			if !bytes.Equal(back, plain) {
				t.Fatalf("decrypt = %x, want %x", back, plain)
			}
		})
	}
}

// TestRC2AgainstOpenSSL checks RC2-40-CBC, the legacy PKCS#12 certificate
// cipher, against the system's OpenSSL.
func TestRC2AgainstOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is not installed; run make deps")
	}
	key, iv := "0102030405", "0001020304050607"
	plain := []byte("organisation certificate bag, 32")
	cmd := exec.Command(openssl, "enc", "-rc2-40-cbc", "-provider", "legacy", "-provider", "default",
		"-K", key, "-iv", iv, "-nopad")
	cmd.Stdin = bytes.NewReader(plain)
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl enc: %v", err)
	}
	k, _ := hex.DecodeString(key)
	ivb, _ := hex.DecodeString(iv)
	got := make([]byte, len(want))
	cipher.NewCBCDecrypter(New(k, 40), ivb).CryptBlocks(got, want)
	if !bytes.Equal(got, plain) {
		t.Fatalf("decrypted %q, want %q", got, plain)
	}
}
