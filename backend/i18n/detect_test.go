package i18n

import "testing"

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		"da":          "da",
		"da_DK.UTF-8": "da",
		"da-DK":       "da",
		"DA":          "da",
		"en_US.utf8":  "en",
		"en-GB":       "en",
		"en@euro":     "en",
		"de_DE.UTF-8": "",
		"C":           "",
		"POSIX":       "",
		"":            "",
		"dan":         "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := Normalize(in); got != want {
				t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set", nil, ""},
		{"LANG danish", map[string]string{"LANG": "da_DK.UTF-8"}, "da"},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "da_DK.UTF-8"}, "en"},
		{"LC_MESSAGES wins over LANG", map[string]string{"LC_MESSAGES": "da_DK.UTF-8", "LANG": "en_US.UTF-8"}, "da"},
		{"LANGUAGE list first supported", map[string]string{"LANGUAGE": "de:da:en", "LANG": "en_US.UTF-8"}, "da"},
		{"unsupported LANG", map[string]string{"LANG": "fr_FR.UTF-8"}, ""},
		{"C locale", map[string]string{"LANG": "C.UTF-8"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromEnv(func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("FromEnv = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", "da_DK.UTF-8")
	tests := []struct {
		name, flag, want string
		wantErr          bool
	}{
		{"flag wins", "en", "en", false},
		{"flag as locale", "da_DK", "da", false},
		{"no flag uses the environment", "", "da", false},
		{"unsupported flag", "sv", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.flag)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Resolve(%q) = %q, %v; want %q (error %v)", tt.flag, got, err, tt.want, tt.wantErr)
			}
		})
	}
	t.Setenv("LANG", "fr_FR.UTF-8")
	if got, _ := Resolve(""); got != Default {
		t.Errorf("Resolve with a French environment = %q, want %q", got, Default)
	}
}
