package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"dpgcerts/backend/errs"
)

func TestFormatError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want errs.Error
	}{
		{"certs error", &errs.Error{Code: errs.PasswordRequired, Message: "Locked."}, errs.Error{Code: "password_required", Message: "Locked."}},
		{"wrapped certs error", fmt.Errorf("reading a.p12: %w", &errs.Error{Code: errs.TooLarge, Message: "Too big."}), errs.Error{Code: "too_large", Message: "Too big."}},
		{"wrapped portal error", fmt.Errorf("sync: %w", errs.New(errs.NotRegistered, "not registered")), errs.Error{Code: "not_registered", Message: "not registered"}},
		{"a client defect is internal", errs.New(errs.BadRequest, "bad cursor"), errs.Error{Code: errs.Internal, Message: errs.InternalMessage}},
		{"plain error hides its details", errors.New("disk on fire at /home/x"), errs.Error{Code: errs.Internal, Message: errs.InternalMessage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, ok := FormatError(tt.err).(string)
			if !ok {
				t.Fatalf("FormatError gave %T, want the JSON text", FormatError(tt.err))
			}
			var got errs.Error
			if err := json.Unmarshal([]byte(text), &got); err != nil || got != tt.want {
				t.Errorf("FormatError = %s, want %#v", text, tt.want)
			}
		})
	}
}
