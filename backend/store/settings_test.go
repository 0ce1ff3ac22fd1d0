package store

import (
	"context"
	"testing"

	"dpgcerts/backend/certs"
)

func TestIntSetting(t *testing.T) {
	tests := []struct {
		name   string
		stored *string // raw value in the table, nil for none
		want   int
	}{
		{"unset gives the default", nil, certs.DefaultWarnDays},
		{"stored", ptr("45"), 45},
		{"spaces", ptr(" 7 "), 7},
		{"too low is clamped", ptr("0"), 1},
		{"negative is clamped", ptr("-20"), 1},
		{"too high is clamped", ptr("10000"), 365},
		{"garbage gives the default", ptr("soon"), certs.DefaultWarnDays},
		{"empty gives the default", ptr(""), certs.DefaultWarnDays},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openMemory(t)
			ctx := context.Background()
			if tt.stored != nil {
				if err := s.Set(ctx, WarnDays.Key, *tt.stored); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Int(ctx, WarnDays)
			if err != nil || got != tt.want {
				t.Errorf("Int = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestSetInt(t *testing.T) {
	tests := []struct {
		in, want int
	}{{30, 30}, {1, 1}, {365, 365}, {0, 1}, {400, 365}}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			s := openMemory(t)
			ctx := context.Background()
			stored, err := s.SetInt(ctx, WarnDays, tt.in)
			if err != nil || stored != tt.want {
				t.Errorf("SetInt(%d) = %d, %v; want %d", tt.in, stored, err, tt.want)
			}
			if got, _ := s.Int(ctx, WarnDays); got != tt.want {
				t.Errorf("Int after SetInt(%d) = %d", tt.in, got)
			}
		})
	}
}

func TestStringSetting(t *testing.T) {
	lang := StringSetting{Key: "language", Default: "", Allowed: []string{"", "en", "da"}}
	free := StringSetting{Key: "last_folder", Default: "~"}
	tests := []struct {
		name    string
		set     StringSetting
		value   string
		wantErr bool
		want    string
	}{
		{"allowed", lang, "da", false, "da"},
		{"not allowed", lang, "de", true, ""},
		{"free text", free, "/srv/certs", false, "/srv/certs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openMemory(t)
			ctx := context.Background()
			if err := s.SetString(ctx, tt.set, tt.value); (err != nil) != tt.wantErr {
				t.Fatalf("SetString err = %v", err)
			}
			if got, err := s.String(ctx, tt.set); err != nil || got != tt.want {
				t.Errorf("String = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("stored value no longer allowed reads as default", func(t *testing.T) {
		s := openMemory(t)
		ctx := context.Background()
		s.Set(ctx, "language", "xx")
		if got, _ := s.String(ctx, lang); got != "" {
			t.Errorf("String = %q", got)
		}
	})
	t.Run("unset reads as default", func(t *testing.T) {
		s := openMemory(t)
		if got, _ := s.String(context.Background(), free); got != "~" {
			t.Errorf("String = %q", got)
		}
	})
}

func TestSetRefusesSecrets(t *testing.T) {
	for _, key := range []string{"portal_token", "Password", "remembered_passwords", "secret", "private_key", ""} {
		t.Run(key, func(t *testing.T) {
			s := openMemory(t)
			if err := s.Set(context.Background(), key, "x"); err == nil {
				t.Errorf("Set(%q) accepted", key)
			}
		})
	}
}

func TestGetSet(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	if _, ok, err := s.Get(ctx, "k"); ok || err != nil {
		t.Fatalf("unset key: ok %v, err %v", ok, err)
	}
	for _, v := range []string{"one", "two", ""} {
		if err := s.Set(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Get(ctx, "k"); got != v || !ok || err != nil {
			t.Errorf("Get = %q, %v, %v; want %q", got, ok, err, v)
		}
	}
}

func ptr(s string) *string { return &s }
