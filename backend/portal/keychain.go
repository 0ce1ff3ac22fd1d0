package portal

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"dpgcerts/backend/secrets"
)

// The custody of a pending install's password: in this process's memory
// and, where there is one, in the OS keychain under an entry of the
// operation's own, until the install ends. The outbox storage learns only
// where the password is (Operation.PasswordIn).

// Keychain keeps the password of a pending install while it waits, under an
// entry for that operation. SystemKeychain is the OS keychain; NoKeychain
// is for machines without one (DPGCERTS_KEYCHAIN=off, headless servers):
// passwords then live in the process's memory only.
type Keychain interface {
	SetOperationPassword(key, password string) error
	OperationPassword(key string) (password string, ok bool, err error)
	DeleteOperationPassword(key string) error
}

type systemKeychain struct{}

func (systemKeychain) SetOperationPassword(key, pw string) error {
	return secrets.SetOperationPassword(key, pw)
}
func (systemKeychain) OperationPassword(key string) (string, bool, error) {
	return secrets.OperationPassword(key)
}
func (systemKeychain) DeleteOperationPassword(key string) error {
	return secrets.DeleteOperationPassword(key)
}

type noKeychain struct{}

func (noKeychain) SetOperationPassword(string, string) error { return secrets.ErrUnavailable }
func (noKeychain) OperationPassword(string) (string, bool, error) {
	return "", false, secrets.ErrUnavailable
}
func (noKeychain) DeleteOperationPassword(string) error { return secrets.ErrUnavailable }

// SystemKeychain is the OS keychain (backend/secrets).
func SystemKeychain() Keychain { return systemKeychain{} }

// NoKeychain keeps nothing.
func NoKeychain() Keychain { return noKeychain{} }

// remember keeps pw for key in memory and, when there is one, in the
// keychain, and returns where (a PasswordIn value).
func (s *Service) remember(key, pw string) string {
	s.mu.Lock()
	s.passwords[key] = pw
	s.mu.Unlock()
	err := s.opts.Keychain.SetOperationPassword(key, pw)
	if err == nil {
		return PasswordKeychain
	}
	if !errors.Is(err, secrets.ErrUnavailable) {
		s.logf("the keychain can't keep an install's password: %v", err)
	}
	return PasswordMemory
}

// forgetKey drops the password kept for key, in memory and the keychain.
func (s *Service) forgetKey(key string) {
	s.mu.Lock()
	delete(s.passwords, key)
	s.mu.Unlock()
	if err := s.opts.Keychain.DeleteOperationPassword(key); err != nil && !errors.Is(err, secrets.ErrUnavailable) {
		s.logf("an install's keychain entry could not be removed: %v", err)
	}
}

// keepPassword keeps an install's password in memory and, when there is
// one, in the keychain under the operation's entry, and makes the install
// pending. The database learns only where the password is. A password
// other than the one an install was sent with gets a new key: the portal
// keeps the old key's answer, which was about the old password.
func (s *Service) keepPassword(ctx context.Context, o Operation, pw string) Operation {
	var drop []string // entries that the final write doesn't use
	_, err := s.save(ctx, &o, func(f *Operation) bool {
		if f.Attempts > 0 {
			if cur, ok, _ := s.password(*f); ok && cur != pw {
				drop = append(drop, f.Key)
				f.Key = newKey()
			}
		}
		f.PasswordIn = s.remember(f.Key, pw)
		drop = append(drop, f.Key)
		if f.State == StateNeedsPassword {
			f.State, f.ErrorCode, f.ErrorMessage = StatePending, "", ""
		}
		return true
	})
	if err != nil {
		s.logf("%v", err)
	}
	for _, k := range drop {
		if k != o.Key || !o.Active() {
			s.forgetKey(k)
		}
	}
	return o
}

// password finds an install's password: this process's memory, then the
// keychain. err is the keychain's failure, if it failed.
func (s *Service) password(o Operation) (pw string, ok bool, err error) {
	if o.PasswordIn == PasswordEmpty {
		return "", true, nil
	}
	s.mu.Lock()
	pw, ok = s.passwords[o.Key]
	s.mu.Unlock()
	if ok {
		return pw, true, nil
	}
	pw, ok, err = s.opts.Keychain.OperationPassword(o.Key)
	if err == nil && ok {
		s.mu.Lock()
		s.passwords[o.Key] = pw
		s.mu.Unlock()
		return pw, true, nil
	}
	return "", false, err
}

// keychainDown says whether a missing password may be only for now: it is
// in the keychain, and the keychain failed (locked, not started yet, as for
// a scheduled sync before the login keyring is unlocked).
func (s *Service) keychainDown(o Operation, err error) bool {
	_, none := s.opts.Keychain.(noKeychain)
	return o.PasswordIn == PasswordKeychain && err != nil && !none
}

// ended removes an ended install's password from the keychain, then notes
// that it is gone. A crash in between is mended by cleanupEnded.
func (s *Service) ended(ctx context.Context, o Operation) {
	if o.Kind != OpInstall || o.PasswordIn == PasswordNowhere || o.PasswordIn == PasswordEmpty {
		return
	}
	s.forgetKey(o.Key)
	if err := s.st.ForgetOpPassword(context.WithoutCancel(ctx), o.ID); err != nil {
		s.logf("%v", err)
	}
}

// cleanupEnded removes the keychain entries of installs that ended while
// the entry could not be removed (a crash, a locked keychain).
func (s *Service) cleanupEnded(ctx context.Context) error {
	ops, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, Kind: OpInstall,
		States: []string{StateDone, StateFailed}})
	if err != nil {
		return err
	}
	for _, o := range ops {
		if o.PasswordIn == PasswordKeychain || o.PasswordIn == PasswordMemory {
			s.ended(ctx, o)
		}
	}
	return nil
}

func newKey() string { return uuid.NewString() }
