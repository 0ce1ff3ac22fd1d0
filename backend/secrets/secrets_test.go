package secrets

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestPasswords(t *testing.T) {
	tests := []struct {
		name     string
		remember []string
		forget   []string
		want     []string
	}{
		{name: "empty keychain", want: []string{}},
		{name: "one", remember: []string{"a"}, want: []string{"a"}},
		{name: "newest first", remember: []string{"a", "b", "c"}, want: []string{"c", "b", "a"}},
		{name: "remember again moves to front", remember: []string{"a", "b", "a"}, want: []string{"a", "b"}},
		{name: "empty password is a password", remember: []string{"", "x"}, want: []string{"x", ""}},
		{name: "unicode and quotes", remember: []string{`æøå "q" <&>`}, want: []string{`æøå "q" <&>`}},
		{name: "forget one", remember: []string{"a", "b"}, forget: []string{"a"}, want: []string{"b"}},
		{name: "forget unknown", remember: []string{"a"}, forget: []string{"zz"}, want: []string{"a"}},
		{name: "forget last", remember: []string{"a"}, forget: []string{"a"}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInit()
			for _, pw := range tt.remember {
				if err := RememberPassword(pw); err != nil {
					t.Fatalf("RememberPassword: %v", err)
				}
			}
			for _, pw := range tt.forget {
				if err := ForgetPassword(pw); err != nil {
					t.Fatalf("ForgetPassword: %v", err)
				}
			}
			got, err := Passwords()
			if err != nil {
				t.Fatalf("Passwords: %v", err)
			}
			if !slices.Equal(got, tt.want) || got == nil {
				t.Errorf("Passwords() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRememberLimits(t *testing.T) {
	t.Run("count capped, oldest dropped", func(t *testing.T) {
		keyring.MockInit()
		for i := range MaxPasswords + 5 {
			if err := RememberPassword("p" + strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := Passwords()
		if len(got) != MaxPasswords {
			t.Fatalf("len = %d, want %d", len(got), MaxPasswords)
		}
		if got[0] != "p"+strconv.Itoa(MaxPasswords+4) || slices.Contains(got, "p0") {
			t.Errorf("wrong ones kept: first %q, p0 kept %v", got[0], slices.Contains(got, "p0"))
		}
	})
	t.Run("bytes capped", func(t *testing.T) {
		keyring.MockInit()
		long := strings.Repeat("x", 600)
		for i := range 5 {
			if err := RememberPassword(strconv.Itoa(i) + long); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := Passwords()
		if len(mustJSON(got)) > MaxPasswordsBytes {
			t.Errorf("stored %d bytes, limit %d", len(mustJSON(got)), MaxPasswordsBytes)
		}
		if len(got) != 3 || got[0][0] != '4' {
			t.Errorf("kept %d, first %q; want the 3 newest", len(got), got[0][:1])
		}
	})
	t.Run("single password too long", func(t *testing.T) {
		keyring.MockInit()
		if err := RememberPassword(strings.Repeat("x", MaxPasswordsBytes)); !errors.Is(err, ErrTooLong) {
			t.Errorf("err = %v, want ErrTooLong", err)
		}
	})
	t.Run("not utf-8", func(t *testing.T) {
		keyring.MockInit()
		if err := RememberPassword("\xff\xfe"); !errors.Is(err, ErrNotUTF8) {
			t.Errorf("err = %v, want ErrNotUTF8", err)
		}
	})
}

func TestRememberConcurrently(t *testing.T) {
	keyring.MockInit()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := RememberPassword("p" + strconv.Itoa(i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, _ := Passwords(); len(got) != 20 {
		t.Errorf("len = %d, want 20 (lost updates)", len(got))
	}
}

func TestForgetAll(t *testing.T) {
	keyring.MockInit()
	if err := ForgetAll(); err != nil {
		t.Fatalf("ForgetAll on empty keychain: %v", err)
	}
	_ = RememberPassword("a")
	_ = SetToken("https://portal.example", "tok")
	if err := ForgetAll(); err != nil {
		t.Fatal(err)
	}
	if got, _ := Passwords(); len(got) != 0 {
		t.Errorf("passwords left: %d", len(got))
	}
	if tok, _ := Token("https://portal.example"); tok != "tok" {
		t.Error("ForgetAll removed the portal token")
	}
}

func TestToken(t *testing.T) {
	const a, b = "https://a.example", "https://b.example"
	tests := []struct {
		name   string
		set    map[string]string
		delete []string
		want   map[string]string
	}{
		{name: "none", want: map[string]string{a: ""}},
		{name: "set", set: map[string]string{a: "t1"}, want: map[string]string{a: "t1", b: ""}},
		{name: "keyed by url", set: map[string]string{a: "t1", b: "t2"}, want: map[string]string{a: "t1", b: "t2"}},
		{name: "delete", set: map[string]string{a: "t1", b: "t2"}, delete: []string{a}, want: map[string]string{a: "", b: "t2"}},
		{name: "delete missing", delete: []string{a}, want: map[string]string{a: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInit()
			for u, tok := range tt.set {
				if err := SetToken(u, tok); err != nil {
					t.Fatal(err)
				}
			}
			for _, u := range tt.delete {
				if err := DeleteToken(u); err != nil {
					t.Fatal(err)
				}
			}
			for u, want := range tt.want {
				got, err := Token(u)
				if err != nil || got != want {
					t.Errorf("Token(%q) = %q, %v; want %q", u, got, err, want)
				}
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	keyring.MockInit()
	if !Available() {
		t.Fatal("an empty keychain that answers is not available")
	}
	if err := RememberPassword("secret-pw"); err != nil || !Available() {
		t.Fatalf("a keychain with our item: %v, available %v", err, Available())
	}
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown"))
	t.Cleanup(keyring.MockInit)
	if Available() {
		t.Fatal("a keychain that fails is available")
	}
	calls := map[string]func() error{
		"Passwords":        func() error { _, err := Passwords(); return err },
		"RememberPassword": func() error { return RememberPassword("secret-pw") },
		"ForgetPassword":   func() error { return ForgetPassword("secret-pw") },
		"ForgetAll":        ForgetAll,
		"Token":            func() error { _, err := Token("https://a.example"); return err },
		"SetToken":         func() error { return SetToken("https://a.example", "secret-tok") },
		"DeleteToken":      func() error { return DeleteToken("https://a.example") },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			if strings.Contains(err.Error(), "secret-") {
				t.Errorf("error message leaks the secret: %q", err)
			}
		})
	}
}

func TestTooBigFromKeychain(t *testing.T) {
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	t.Cleanup(keyring.MockInit)
	if err := SetToken("https://a.example", "x"); !errors.Is(err, ErrTooLong) {
		t.Errorf("err = %v, want ErrTooLong", err)
	}
}

func TestCorruptItemNotQuoted(t *testing.T) {
	keyring.MockInit()
	if err := keyring.Set(Service, passwordsAccount, "not-json-secret"); err != nil {
		t.Fatal(err)
	}
	_, err := Passwords()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if strings.Contains(err.Error(), "not-json") {
		t.Errorf("error quotes the item: %q", err)
	}
}
