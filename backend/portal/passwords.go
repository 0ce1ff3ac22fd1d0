package portal

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/secrets"
)

// The passwords of pending installs: their custody, in this process's
// memory and, where there is one, in the OS keychain under an entry of the
// operation's own until the install ends, and the installs that wait for
// one (needs_password) until it is given or found. The outbox storage
// learns only where a password is (Operation.PasswordIn).

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

// openWith finds the candidate that opens a file: the password, the
// certificate's SHA-256 when it could be read, and ok false when the file
// is locked to every candidate. A file the reader can't make sense of gets
// none of the candidates (they may be other files' passwords): ok is false
// and the user is asked, unless there are no candidates to withhold.
func (s *Service) openWith(data []byte, candidates []string) (password, certSHA256 string, ok bool) {
	f := certs.Read(data, certs.Options{Passwords: candidates, Now: s.opts.Now(), WarnDays: 1})
	if f.Certificate != nil && f.Status != certs.StatusLocked {
		certSHA256 = f.Certificate.SHA256
	}
	switch {
	case f.Status == certs.StatusLocked:
		return "", certSHA256, false
	case f.PasswordIndex >= 0:
		return candidates[f.PasswordIndex], certSHA256, true
	case f.Status == certs.StatusUnreadable && len(candidates) > 0:
		return "", certSHA256, false
	}
	return "", certSHA256, true
}

// unblock makes a needs_password install pending again when its password
// is found after all (the keychain is back, another process kept it).
func (s *Service) unblock(ctx context.Context, o Operation) (bool, error) {
	return s.save(ctx, &o, func(f *Operation) bool {
		if f.State != StateNeedsPassword {
			return false
		}
		if _, ok, _ := s.password(*f); !ok {
			return false
		}
		f.State, f.ErrorCode, f.ErrorMessage = StatePending, "", ""
		return true
	})
}

// unblockAll runs unblock over the installs that wait for a password, and
// lets the activations waiting for them go on when one was unblocked.
func (s *Service) unblockAll(ctx context.Context) error {
	ops, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, Kind: OpInstall, States: []string{StateNeedsPassword}})
	if err != nil {
		return err
	}
	n := 0
	for _, o := range ops {
		if o.PasswordIn == PasswordNowhere {
			continue
		}
		ok, err := s.unblock(ctx, o)
		if err != nil {
			return err
		}
		if ok {
			n++
		}
	}
	if n > 0 {
		return s.resumeActivations(ctx)
	}
	return nil
}

// SupplyPasswords gives candidate passwords to the installs that wait for
// one (and to pending ones whose password this process doesn't have). It
// returns how many installs it unlocked.
func (s *Service) SupplyPasswords(ctx context.Context, candidates []string) (int, error) {
	if err := s.unblockAll(ctx); err != nil {
		return 0, err
	}
	if len(candidates) == 0 {
		return 0, nil
	}
	ops, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, Kind: OpInstall,
		States: []string{StatePending, StateNeedsPassword}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range ops {
		if o.PasswordIn == PasswordEmpty {
			continue
		}
		if _, ok, _ := s.password(o); ok {
			continue
		}
		data, err := s.st.OpFile(ctx, o.ID)
		if err != nil {
			if errors.Is(err, ErrNoOp) {
				continue
			}
			return n, err
		}
		pw, sha, ok := s.openWith(data, candidates)
		if !ok {
			continue
		}
		if pw == "" {
			wrote, err := s.save(ctx, &o, func(f *Operation) bool {
				if f.CertificateSHA256 == "" {
					f.CertificateSHA256 = sha
				}
				f.PasswordIn = PasswordEmpty
				if f.State == StateNeedsPassword {
					f.State, f.ErrorCode, f.ErrorMessage = StatePending, "", ""
				}
				return true
			})
			if err != nil {
				return n, err
			}
			if !wrote {
				continue
			}
		} else {
			if o.CertificateSHA256 == "" {
				o.CertificateSHA256 = sha
			}
			s.keepPassword(ctx, o, pw)
		}
		n++
	}
	return n, s.resumeActivations(ctx)
}

// resumeActivations lets the activations that waited for an install's
// password go on once a password has been given.
func (s *Service) resumeActivations(ctx context.Context) error {
	acts, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, Kind: OpActivate, States: []string{StateNeedsPassword}})
	if err != nil {
		return err
	}
	for _, o := range acts {
		if _, err := s.save(ctx, &o, func(f *Operation) bool {
			if f.State != StateNeedsPassword {
				return false
			}
			f.State, f.ErrorCode, f.ErrorMessage = StatePending, "", ""
			return true
		}); err != nil {
			return err
		}
	}
	return nil
}

// SetPassword gives one install its password (the window's password
// prompt). ok is false when the password doesn't open the file.
func (s *Service) SetPassword(ctx context.Context, id int64, password string) (ok bool, err error) {
	o, err := s.st.Op(ctx, id)
	switch {
	case errors.Is(err, ErrNoOp):
		return false, errNoSuchOp
	case err != nil:
		return false, err
	case o.Kind != OpInstall:
		return false, &errs.Error{Code: errs.BadRequest, Message: fmt.Sprintf("operation %d is no install: it takes no password", id)}
	case !o.Active():
		return false, ErrEnded
	}
	data, err := s.st.OpFile(ctx, id)
	if err != nil {
		return false, err
	}
	f := certs.Read(data, certs.Options{Passwords: []string{password}, Now: s.opts.Now(), WarnDays: 1})
	if f.Status == certs.StatusLocked {
		return false, nil
	}
	s.keepPassword(ctx, o, password)
	return true, s.resumeActivations(ctx)
}
