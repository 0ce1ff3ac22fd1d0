package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"dpgcerts/backend/certs"
)

type codedErr struct{ code string }

func (e codedErr) Error() string     { return "coded: " + e.code }
func (e codedErr) ErrorCode() string { return e.code }

func TestFormatError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Error
	}{
		{"certs error", &certs.Error{Code: certs.CodePasswordRequired, Message: "Locked."}, Error{"password_required", "Locked."}},
		{"wrapped certs error", fmt.Errorf("reading a.p12: %w", &certs.Error{Code: certs.CodeTooLarge, Message: "Too big."}), Error{"too_large", "Too big."}},
		{"coded error", fmt.Errorf("sync: %w", codedErr{"not_registered"}), Error{"not_registered", "coded: not_registered"}},
		{"plain error hides its details", errors.New("disk on fire at /home/x"), Error{CodeInternal, "Something unexpected went wrong. The details are in the log."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, ok := FormatError(tt.err).(string)
			if !ok {
				t.Fatalf("FormatError gave %T, want the JSON text", FormatError(tt.err))
			}
			var got Error
			if err := json.Unmarshal([]byte(text), &got); err != nil || got != tt.want {
				t.Errorf("FormatError = %s, want %#v", text, tt.want)
			}
		})
	}
}
