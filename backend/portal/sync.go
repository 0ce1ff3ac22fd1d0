package portal

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/store"
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
	active, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, States: []store.OpState{store.OpPending, store.OpNeedsPassword}})
	if err != nil {
		return res, err
	}
	p := &progress{fn: opts.Progress, total: len(active)}
	deadline := time.Now().Add(opts.GiveUpAfter)
	for {
		ops, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, States: []store.OpState{store.OpPending}})
		if err != nil {
			return res, err
		}
		if len(ops) == 0 {
			break
		}
		now := time.Now()
		var due []store.Op
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
				return res, ctx.Err()
			case <-t.C:
			}
			continue
		}
		if err := s.sendAll(ctx, c, due, p); err != nil {
			return res, err
		}
		if opts.GiveUpAfter <= 0 {
			// One pass: what is still pending waits for the next Sync.
			left, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, States: []store.OpState{store.OpPending}})
			if err != nil {
				return res, err
			}
			res.GaveUp = len(left) > 0
			break
		}
		if time.Now().After(deadline) {
			left, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, States: []store.OpState{store.OpPending}})
			if err != nil {
				return res, err
			}
			if len(left) > 0 {
				res.GaveUp = true
				break
			}
		}
	}
	res.Done, res.Failed = p.doneN, p.failedN
	if !opts.SkipRefresh {
		// The refresh is retried like the operations, within the same time.
		for attempt := 1; ; attempt++ {
			err := s.Refresh(ctx)
			if err == nil {
				res.RefreshError = ""
				break
			}
			if Classify(err) == Account {
				return res, err
			}
			res.RefreshError = errs.Code(err)
			if Classify(err) != Transient || ctx.Err() != nil {
				break
			}
			delay := s.opts.Backoff.Delay(attempt, RetryAfterOf(err))
			if time.Now().Add(delay).After(deadline) {
				break
			}
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return res, ctx.Err()
			case <-t.C:
			}
		}
	}
	counts, err := s.st.OpCounts(ctx, s.portal)
	if err != nil {
		return res, err
	}
	res.Pending, res.NeedsPassword = counts[store.OpPending], counts[store.OpNeedsPassword]
	if res.Pending == 0 {
		res.GaveUp = false
	}
	return res, nil
}

// progress serialises the Progress calls and counts.
type progress struct {
	mu              sync.Mutex
	fn              func(Progress)
	total, finished int
	doneN, failedN  int
}

func (p *progress) report(event string, o store.Op) {
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
		p.fn(Progress{Event: event, Operation: view(o), Done: p.finished, Total: max(p.total, p.finished)})
	}
}

// sendAll sends the due installs in parallel, then the activations in
// order. An account error (401, 403) stops it.
func (s *Service) sendAll(ctx context.Context, c *Client, due []store.Op, p *progress) error {
	var installs, activations []store.Op
	for _, o := range due {
		if o.Kind == store.OpInstall {
			installs = append(installs, o)
		} else {
			activations = append(activations, o)
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan store.Op)
	var wg sync.WaitGroup
	for range min(s.opts.Workers, len(installs)) {
		wg.Go(func() {
			for o := range work {
				if err := s.sendInstall(ctx, c, o, p); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, o := range installs {
		select {
		case work <- o:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
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
func (s *Service) outcome(ctx context.Context, o store.Op, err error, p *progress) error {
	if ctx.Err() != nil {
		// Cancelled mid-send: the operation stays as it was, and its next
		// attempt uses the same key.
		return ctx.Err()
	}
	var pe *errs.Error
	if !errors.As(err, &pe) {
		pe = &errs.Error{Code: errs.Internal, Message: err.Error()}
	}
	o.ErrorCode, o.ErrorMessage = pe.Code, pe.Message
	switch Classify(pe) {
	case Account:
		if e := s.st.UpdateOp(ctx, o); e != nil {
			return e
		}
		return pe
	case Transient:
		o.Attempts++
		delay := s.opts.Backoff.Delay(o.Attempts, RetryAfterOf(pe))
		o.NextAttemptAt = time.Now().Add(delay)
		s.logf("%s %s: %s; retry in %s", o.Kind, opName(o), pe.Code, delay.Round(time.Millisecond))
		if e := s.st.UpdateOp(ctx, o); e != nil {
			return e
		}
		p.report(ProgressRetry, o)
		return nil
	}
	o.Attempts++
	if o.Kind == store.OpInstall && pe.Code == errs.WrongPassword {
		// The portal refused the password: the install waits for another
		// one, under a new key (the old key's answer is this refusal).
		s.forgetPassword(o)
		o.Key = newKey()
		o.State, o.PasswordIn = store.OpNeedsPassword, store.PasswordNowhere
		if e := s.st.UpdateOp(ctx, o); e != nil {
			return e
		}
		p.report(ProgressNeedsPassword, o)
		return nil
	}
	s.logf("%s %s failed: %s", o.Kind, opName(o), pe.Code)
	o.State = store.OpFailed
	if e := s.st.UpdateOp(ctx, o); e != nil {
		return e
	}
	s.ended(ctx, o)
	p.report(ProgressFailed, o)
	return nil
}

func opName(o store.Op) string {
	if o.Kind == store.OpInstall {
		return o.Filename
	}
	return o.IntegrationID
}

// ended removes an ended install's password from the keychain, then notes
// that it is gone. A crash in between is mended by cleanupEnded.
func (s *Service) ended(ctx context.Context, o store.Op) {
	if o.Kind != store.OpInstall || o.PasswordIn == store.PasswordNowhere || o.PasswordIn == store.PasswordEmpty {
		return
	}
	s.forgetPassword(o)
	o.PasswordIn = store.PasswordNowhere
	if err := s.st.UpdateOp(context.WithoutCancel(ctx), o); err != nil {
		s.logf("%v", err)
	}
}

// cleanupEnded removes the keychain entries of installs that ended while
// the entry could not be removed (a crash, a locked keychain).
func (s *Service) cleanupEnded(ctx context.Context) error {
	ops, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, Kind: store.OpInstall,
		States: []store.OpState{store.OpDone, store.OpFailed}})
	if err != nil {
		return err
	}
	for _, o := range ops {
		if o.PasswordIn == store.PasswordKeychain || o.PasswordIn == store.PasswordMemory {
			s.ended(ctx, o)
		}
	}
	return nil
}

func (s *Service) sendInstall(ctx context.Context, c *Client, o store.Op, p *progress) error {
	pw, ok := s.password(o)
	if !ok {
		o.State, o.ErrorCode, o.ErrorMessage = store.OpNeedsPassword, errs.PasswordRequired, "the file's password is needed"
		if o.PasswordIn == store.PasswordMemory {
			o.PasswordIn = store.PasswordNowhere
		}
		if err := s.st.UpdateOp(ctx, o); err != nil {
			return err
		}
		p.report(ProgressNeedsPassword, o)
		return nil
	}
	data, err := s.st.OpFile(ctx, o.ID)
	if err != nil {
		return err
	}
	p.report(ProgressSending, o)
	cert, created, err := c.Install(ctx, o.Key, InstallRequest{Filename: o.Filename, PKCS12: data, Password: &pw})
	if err != nil {
		return s.outcome(ctx, o, err, p)
	}
	o.Attempts++
	o.State, o.ErrorCode, o.ErrorMessage = store.OpDone, "", ""
	o.ResultID, o.Created, o.CertSHA256 = cert.ID, created, cert.SHA256
	if err := s.st.UpdateOp(context.WithoutCancel(ctx), o); err != nil {
		return err
	}
	s.ended(ctx, o)
	if err := s.st.PutPortalCertificate(context.WithoutCancel(ctx), s.portal, certRecord(cert)); err != nil {
		s.logf("%v", err)
	}
	p.report(ProgressDone, o)
	return nil
}

func (s *Service) sendActivate(ctx context.Context, c *Client, o store.Op, p *progress) error {
	if sha, ok := strings.CutPrefix(o.CertificateID, "sha256:"); ok {
		id, wait, installNext, err := s.resolveSHA256(ctx, c, sha)
		if err != nil {
			return s.outcome(ctx, o, err, p)
		}
		switch {
		case wait == store.OpNeedsPassword:
			o.State, o.ErrorCode, o.ErrorMessage = store.OpNeedsPassword, errs.PasswordRequired, "the certificate's install waits for its password"
			if err := s.st.UpdateOp(ctx, o); err != nil {
				return err
			}
			p.report(ProgressNeedsPassword, o)
			return nil
		case wait == store.OpPending:
			// Not before the install's own next try: it may be backing off
			// or honouring Retry-After, and asking sooner only loads the portal.
			o.NextAttemptAt = time.Now().Add(s.opts.Backoff.Delay(1, 0))
			if installNext.After(o.NextAttemptAt) {
				o.NextAttemptAt = installNext
			}
			return s.st.UpdateOp(ctx, o)
		case id == "":
			o.State, o.ErrorCode, o.ErrorMessage = store.OpFailed, errs.NotFound, "the certificate is not installed"
			if err := s.st.UpdateOp(ctx, o); err != nil {
				return err
			}
			p.report(ProgressFailed, o)
			return nil
		}
		// From now on every attempt sends the same body.
		o.CertificateID = id
		if err := s.st.UpdateOp(ctx, o); err != nil {
			return err
		}
	}
	p.report(ProgressSending, o)
	in, err := c.Activate(ctx, o.Key, o.IntegrationID, o.CertificateID, o.IfMatch)
	if err != nil {
		return s.outcome(ctx, o, err, p)
	}
	o.Attempts++
	o.State, o.ErrorCode, o.ErrorMessage = store.OpDone, "", ""
	if in.PreviousCertificateID != nil {
		o.ResultID = *in.PreviousCertificateID
	}
	if err := s.st.UpdateOp(context.WithoutCancel(ctx), o); err != nil {
		return err
	}
	if err := s.st.PutPortalIntegration(context.WithoutCancel(ctx), s.portal, integrationRecord(in)); err != nil {
		s.logf("%v", err)
	}
	p.report(ProgressDone, o)
	return nil
}

// resolveSHA256 finds the id of the certificate with this SHA-256: in the
// offline copy, else on the portal. wait is the state of an install in the
// outbox that is still bringing it, and installNext that install's next try.
func (s *Service) resolveSHA256(ctx context.Context, c *Client, sha string) (id string, wait store.OpState, installNext time.Time, err error) {
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
	installs, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, Kind: store.OpInstall,
		States: []store.OpState{store.OpPending, store.OpNeedsPassword}})
	if err != nil {
		return "", "", time.Time{}, err
	}
	for _, o := range installs {
		if o.CertSHA256 == sha {
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
