package portal

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/internal/pool"
)

// Progress events, as Sync reports them.
const (
	ProgressSending       = "sending"
	ProgressDone          = "done"
	ProgressFailed        = "failed"
	ProgressRetry         = "retry"          // a transient failure; NextAttemptAt says when
	ProgressNeedsPassword = "needs_password" // the install waits for its password
)

// Progress is one step of a Sync, for a progress bar and per-file results.
type Progress struct {
	Event     string    `json:"event"`
	Operation Operation `json:"operation"`
	// Done counts the operations that ended in this Sync; Total is how many
	// were active when it began.
	Done  int `json:"done"`
	Total int `json:"total"`
}

// SyncOptions steer a Sync.
type SyncOptions struct {
	// GiveUpAfter is how long Sync keeps retrying transient failures
	// before it returns with GaveUp set. 0 makes one pass: each operation
	// that is due is tried once.
	GiveUpAfter time.Duration
	// Progress, when set, is called for every step, one call at a time.
	Progress func(Progress)
	// SkipRefresh leaves the offline copy as it is.
	SkipRefresh bool
}

// SyncResult sums up a Sync.
type SyncResult struct {
	Done          int `json:"done"`
	Failed        int `json:"failed"`
	Pending       int `json:"pending"`
	NeedsPassword int `json:"needsPassword"`
	// GaveUp: operations are still pending after transient failures.
	GaveUp bool `json:"gaveUp"`
	// RefreshError is why the offline copy could not be refreshed ("" when
	// it was, or when the refresh was skipped).
	RefreshError string `json:"refreshError,omitempty"`
}

// Sync sends what the outbox holds, retrying transient failures with
// backoff until nothing is pending or GiveUpAfter has passed, and then
// refreshes the offline copy. A 401 or 403 stops it: the error is returned
// (ErrUnauthenticated, ErrNotRegistered, ErrMigrationRequired) and the
// operations stay in the outbox. Operations are sent with the key they were
// recorded with, so an operation that reached the portal before a crash or
// a lost answer is not applied again.
func (s *Service) Sync(ctx context.Context, opts SyncOptions) (SyncResult, error) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.mu.Lock()
	s.syncing = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.syncing = false
		s.mu.Unlock()
	}()

	var res SyncResult
	c := s.getClient()
	if c == nil {
		return res, ErrNoToken
	}
	if err := s.cleanupEnded(ctx); err != nil {
		return res, err
	}
	active, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, States: []string{StatePending, StateNeedsPassword}})
	if err != nil {
		return res, err
	}
	p := &progress{fn: opts.Progress, total: len(active)}
	deadline := time.Now().Add(opts.GiveUpAfter)
	refreshed := false
	for {
		if err := s.send(ctx, c, opts, deadline, p, &res); err != nil {
			return res, err
		}
		res.Done, res.Failed = p.doneN, p.failedN
		if !opts.SkipRefresh && !refreshed {
			refreshed = true
			// Each request of the refresh is retried on its own (see Refresh),
			// for no longer than the caller allows the whole sync.
			patience := s.opts.RefreshPatience
			if opts.GiveUpAfter > 0 {
				patience = min(patience, opts.GiveUpAfter)
			}
			if err := s.refresh(ctx, patience); err != nil {
				if Classify(err) == Account {
					return res, err
				}
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				res.RefreshError = errs.Code(err)
			}
		}
		counts, err := s.st.OpCounts(ctx, s.portal)
		if err != nil {
			return res, err
		}
		res.Pending, res.NeedsPassword = counts[StatePending], counts[StateNeedsPassword]
		// Another process may have made an operation pending again
		// meanwhile (a retry of its own send, a password it holds): go on
		// while there is time.
		if res.Pending == 0 || res.GaveUp || opts.GiveUpAfter <= 0 || time.Now().After(deadline) {
			break
		}
	}
	if res.Pending == 0 {
		res.GaveUp = false
	}
	return res, nil
}

// send sends what is due until nothing is pending, or GiveUpAfter has
// passed (one pass when it is 0), and sets res.GaveUp when it stops with
// operations still pending.
func (s *Service) send(ctx context.Context, c *Client, opts SyncOptions, deadline time.Time, p *progress, res *SyncResult) error {
	for {
		// Installs whose password turned up (the keychain is back, or this
		// process holds one that another process lacked) go on.
		if err := s.unblockAll(ctx); err != nil {
			return err
		}
		ops, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, States: []string{StatePending}})
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			break
		}
		now := time.Now()
		var due []Operation
		next := time.Time{}
		for _, o := range ops {
			if !o.NextAttemptAt.After(now) {
				due = append(due, o)
			} else if next.IsZero() || o.NextAttemptAt.Before(next) {
				next = o.NextAttemptAt
			}
		}
		if len(due) == 0 {
			if opts.GiveUpAfter <= 0 || next.After(deadline) {
				res.GaveUp = true
				break
			}
			t := time.NewTimer(time.Until(next))
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			continue
		}
		if err := s.sendAll(ctx, c, due, p); err != nil {
			return err
		}
		if opts.GiveUpAfter <= 0 {
			// One pass: what is still pending waits for the next Sync.
			left, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, States: []string{StatePending}})
			if err != nil {
				return err
			}
			res.GaveUp = len(left) > 0
			break
		}
		if time.Now().After(deadline) {
			left, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, States: []string{StatePending}})
			if err != nil {
				return err
			}
			if len(left) > 0 {
				res.GaveUp = true
				break
			}
		}
	}
	return nil
}

// progress serialises the Progress calls and counts.
type progress struct {
	mu              sync.Mutex
	fn              func(Progress)
	total, finished int
	doneN, failedN  int
}

func (p *progress) report(event string, o Operation) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch event {
	case ProgressDone:
		p.doneN++
		p.finished++
	case ProgressFailed:
		p.failedN++
		p.finished++
	}
	if p.fn != nil {
		p.fn(Progress{Event: event, Operation: o, Done: p.finished, Total: max(p.total, p.finished)})
	}
}

// sendAll sends the due installs in parallel, then the activations in
// order. An account error (401, 403) stops it.
func (s *Service) sendAll(ctx context.Context, c *Client, due []Operation, p *progress) error {
	var installs, activations []Operation
	for _, o := range due {
		if o.Kind == OpInstall {
			installs = append(installs, o)
		} else {
			activations = append(activations, o)
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pool.Each(ctx, min(s.opts.Workers, len(installs)), installs, func(o Operation) {
		if err := s.sendInstall(ctx, c, o, p); err != nil {
			cancel(err)
		}
	})
	if err := context.Cause(ctx); err != nil {
		return err
	}
	for _, o := range activations {
		if err := s.sendActivate(ctx, c, o, p); err != nil {
			return err
		}
	}
	return nil
}

// outcome records the answer to one attempt. It returns an error only for
// what stops the whole sync (401/403, a cancelled context, the database).
// The answer is applied to the freshest copy of the operation; one that
// another process has ended meanwhile is left as it is.
func (s *Service) outcome(ctx context.Context, o Operation, err error, p *progress) error {
	if ctx.Err() != nil {
		// Cancelled mid-send: the operation stays as it was, and its next
		// attempt uses the same key.
		return ctx.Err()
	}
	var pe *errs.Error
	if !errors.As(err, &pe) {
		pe = &errs.Error{Code: errs.Internal, Message: err.Error()}
	}
	switch Classify(pe) {
	case Account:
		if _, e := s.save(ctx, &o, func(f *Operation) bool {
			f.ErrorCode, f.ErrorMessage = pe.Code, pe.Message
			return true
		}); e != nil {
			return e
		}
		return pe
	case Transient:
		return s.retryLater(ctx, o, pe, p)
	}
	if o.Kind == OpInstall && pe.Code == errs.WrongPassword {
		return s.refused(ctx, o, pe, p)
	}
	s.logf("%s %s failed: %s", o.Kind, o.name(), pe.Code)
	wrote, e := s.save(ctx, &o, func(f *Operation) bool {
		f.Attempts++
		f.State, f.ErrorCode, f.ErrorMessage = StateFailed, pe.Code, pe.Message
		return true
	})
	if e != nil || !wrote {
		return e
	}
	s.ended(ctx, o)
	p.report(ProgressFailed, o)
	return nil
}

// retryLater schedules the operation's next attempt with backoff.
func (s *Service) retryLater(ctx context.Context, o Operation, pe *errs.Error, p *progress) error {
	var delay time.Duration
	wrote, err := s.save(ctx, &o, func(f *Operation) bool {
		f.Attempts++
		delay = s.opts.Backoff.Delay(f.Attempts, RetryAfterOf(pe))
		f.NextAttemptAt = time.Now().Add(delay)
		f.ErrorCode, f.ErrorMessage = pe.Code, pe.Message
		return true
	})
	if err != nil || !wrote {
		return err
	}
	s.logf("%s %s: %s; retry in %s", o.Kind, o.name(), pe.Code, delay.Round(time.Millisecond))
	p.report(ProgressRetry, o)
	return nil
}

// refused handles the portal's wrong_password. The install waits for
// another password under a new key (the old key's answer is this refusal),
// unless a new password came while this one was on its way: then that one
// goes on under the new key. If the key changed meanwhile, the refusal is
// old news.
func (s *Service) refused(ctx context.Context, o Operation, pe *errs.Error, p *progress) error {
	sentKey := o.Key
	sent, _, _ := s.password(o)
	var moved bool
	wrote, err := s.save(ctx, &o, func(f *Operation) bool {
		if f.Key != sentKey {
			return false
		}
		f.Attempts++
		f.ErrorCode, f.ErrorMessage = pe.Code, pe.Message
		f.Key = newKey()
		// The keychain first: another process may have put a new one there.
		cur, ok, _ := s.opts.Keychain.OperationPassword(sentKey)
		if !ok {
			cur, ok, _ = s.password(Operation{Key: sentKey, PasswordIn: f.PasswordIn})
		}
		moved = ok && cur != sent
		if moved {
			f.PasswordIn = s.remember(f.Key, cur)
			f.State = StatePending
		} else {
			f.State, f.PasswordIn = StateNeedsPassword, PasswordNowhere
		}
		return true
	})
	if err != nil || !wrote {
		return err
	}
	s.forgetKey(sentKey)
	if moved {
		p.report(ProgressRetry, o)
	} else {
		p.report(ProgressNeedsPassword, o)
	}
	return nil
}

func (s *Service) sendInstall(ctx context.Context, c *Client, o Operation, p *progress) error {
	pw, ok, kerr := s.password(o)
	if !ok {
		if s.keychainDown(o, kerr) {
			return s.retryLater(ctx, o, &errs.Error{Code: errs.KeychainLocked, Message: "the keychain can't be reached for now"}, p)
		}
		wrote, err := s.save(ctx, &o, func(f *Operation) bool {
			if _, ok, _ := s.password(*f); ok {
				return false // given meanwhile: the next round sends it
			}
			// PasswordIn stays as it is: "memory" means another process
			// (a sync, an install) may hold it, and that one makes the
			// install pending again (unblockAll) and sends it.
			f.State, f.ErrorCode, f.ErrorMessage = StateNeedsPassword, errs.PasswordRequired, "the file's password is needed"
			return true
		})
		if err == nil && wrote {
			p.report(ProgressNeedsPassword, o)
		}
		return err
	}
	data, err := s.st.OpFile(ctx, o.ID)
	if err != nil || data == nil {
		if err == nil || errors.Is(err, ErrNoOp) {
			return nil // ended meanwhile (another process sent or cancelled it)
		}
		return err
	}
	p.report(ProgressSending, o)
	cert, created, err := c.Install(ctx, o.Key, InstallRequest{Filename: o.Filename, PKCS12: data, Password: &pw})
	if err != nil {
		return s.outcome(ctx, o, err, p)
	}
	return s.succeeded(ctx, o, p, func(f *Operation) {
		f.CertificateID, f.AlreadyInstalled, f.CertificateSHA256 = cert.ID, !created, cert.SHA256
	}, func(ctx context.Context) error { return s.st.PutPortalCertificate(ctx, s.portal, cert) })
}

func (s *Service) sendActivate(ctx context.Context, c *Client, o Operation, p *progress) error {
	if sha, ok := strings.CutPrefix(o.CertificateID, "sha256:"); ok {
		id, wait, installNext, err := s.resolveSHA256(ctx, c, sha)
		if err != nil {
			return s.outcome(ctx, o, err, p)
		}
		var event string
		ref := o.CertificateID
		wrote, err := s.save(ctx, &o, func(f *Operation) bool {
			if f.CertificateID != ref {
				return false // resolved meanwhile
			}
			f.CertificateSHA256 = sha
			switch {
			case wait == StateNeedsPassword:
				f.State, f.ErrorCode, f.ErrorMessage = StateNeedsPassword, errs.PasswordRequired, "the certificate's install waits for its password"
				event = ProgressNeedsPassword
			case wait == StatePending:
				// Not before the install's own next try: it may be backing off
				// or honouring Retry-After, and asking sooner only loads the portal.
				f.NextAttemptAt = time.Now().Add(s.opts.Backoff.Delay(1, 0))
				if installNext.After(f.NextAttemptAt) {
					f.NextAttemptAt = installNext
				}
				event = ""
			case id == "":
				f.State, f.ErrorCode, f.ErrorMessage = StateFailed, errs.NotFound, "the certificate is not installed"
				event = ProgressFailed
			default:
				// From now on every attempt sends the same body.
				f.CertificateID = id
				event = ProgressSending
			}
			return true
		})
		if err != nil || !wrote {
			return err
		}
		if event != ProgressSending {
			if event != "" {
				p.report(event, o)
			}
			return nil
		}
	}
	p.report(ProgressSending, o)
	in, err := c.Activate(ctx, o.Key, o.IntegrationID, o.CertificateID, o.IfMatch)
	if err != nil {
		return s.outcome(ctx, o, err, p)
	}
	return s.succeeded(ctx, o, p, func(f *Operation) {
		if in.PreviousCertificateID != nil {
			f.PreviousCertificateID = *in.PreviousCertificateID
		}
	}, func(ctx context.Context) error { return s.st.PutPortalIntegration(ctx, s.portal, in) })
}

// succeeded records the portal's yes to an attempt: the operation is done,
// with what result takes from the answer, and keep puts the answer in the
// offline copy. Both writes outlive a cancelled ctx, as the portal has
// done it. An operation that has ended meanwhile (cancelled) stays as it
// is, though the answer is kept.
func (s *Service) succeeded(ctx context.Context, o Operation, p *progress, result func(*Operation),
	keep func(context.Context) error) error {
	wctx := context.WithoutCancel(ctx)
	wrote, err := s.save(wctx, &o, func(f *Operation) bool {
		f.Attempts++
		f.State, f.ErrorCode, f.ErrorMessage = StateDone, "", ""
		result(f)
		return true
	})
	if err != nil {
		return err
	}
	if err := keep(wctx); err != nil {
		s.logf("%v", err)
	}
	if wrote {
		s.ended(ctx, o) // an install's password goes
		p.report(ProgressDone, o)
	}
	return nil
}

// resolveSHA256 finds the id of the certificate with this SHA-256: in the
// offline copy, else on the portal. wait is the state of an install in the
// outbox that is still bringing it, and installNext that install's next try.
func (s *Service) resolveSHA256(ctx context.Context, c *Client, sha string) (id string, wait string, installNext time.Time, err error) {
	find := func() (string, error) {
		list, err := s.st.PortalCertificates(ctx, s.portal)
		if err != nil {
			return "", err
		}
		for _, r := range list {
			if r.SHA256 == sha {
				return r.ID, nil
			}
		}
		return "", nil
	}
	if id, err := find(); id != "" || err != nil {
		return id, "", time.Time{}, err
	}
	installs, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, Kind: OpInstall,
		States: []string{StatePending, StateNeedsPassword}})
	if err != nil {
		return "", "", time.Time{}, err
	}
	for _, o := range installs {
		if o.CertificateSHA256 == sha {
			return "", o.State, o.NextAttemptAt, nil
		}
	}
	list, err := c.Certificates(ctx)
	if err != nil {
		return "", "", time.Time{}, err
	}
	for _, cert := range list {
		if cert.SHA256 == sha {
			return cert.ID, "", time.Time{}, nil
		}
	}
	return "", "", time.Time{}, nil
}
