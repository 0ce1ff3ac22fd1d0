package app

import (
	"context"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/store"
)

// Events of the background revocation check after a scan.
const (
	EventRevocationProgress = "revocation:progress" // revocation.Progress
	EventRevocationDone     = "revocation:done"     // RevocationResult
)

// RevocationResult ends every background revocation check (event
// revocation:done); the window reloads the overview.
type RevocationResult struct {
	Checked   int  `json:"checked"`
	Cancelled bool `json:"cancelled"`
}

func (c *Certificates) checker() *revocation.Checker {
	return revocation.New(revocation.Options{Cache: c.core.st, Now: c.core.now})
}

// applyRevocations puts the cached answers on the overview's files. The
// caller holds c.mu.
func (c *Certificates) applyRevocations(ov map[string]certs.File) {
	revs, err := c.core.st.Revocations(context.Background())
	if err != nil || len(revs) == 0 {
		return
	}
	now := c.core.now()
	for p, f := range ov {
		if f.Certificate == nil || f.Status == certs.StatusExpired {
			continue
		}
		if r, ok := revs[f.Certificate.SHA256]; ok {
			revocation.Apply(&f, revocation.Aged(r, now))
			ov[p] = f
		}
	}
}

// checkInBackground asks the CAs about the scanned certificates, unless the
// setting has it off. CancelScan stops it too (ctx is the scan's).
func (c *Certificates) checkInBackground(ctx context.Context, files []certs.File) {
	if !c.core.st.RevocationEnabled(ctx) {
		return
	}
	var todo []certs.File
	for _, f := range files {
		if revocation.Checkable(f) {
			todo = append(todo, f)
		}
	}
	if len(todo) == 0 {
		return
	}
	c.scans.Add(1)
	go func() {
		defer c.scans.Done()
		c.revMu.Lock()
		defer c.revMu.Unlock()
		var last time.Time
		err := c.checker().CheckFiles(ctx, todo, false, func(p revocation.Progress) {
			if time.Since(last) >= progressEvery || p.Done == p.Total {
				last = time.Now()
				c.core.emit(c.ctx, EventRevocationProgress, p)
			}
		})
		c.invalidate()
		c.core.emit(c.ctx, EventRevocationDone, RevocationResult{Checked: len(todo), Cancelled: err != nil})
	}()
}

// CheckRevocation asks the CA now about the certificate in path ("Check
// revocation" in the details), even with the background checks off: the
// user asked. It returns the file as Details does.
func (c *Certificates) CheckRevocation(path string) (certs.File, error) {
	f, err := c.Details(path)
	if err != nil {
		return certs.File{}, err
	}
	if f.Certificate == nil {
		return certs.File{}, errs.New(errs.NoCertificate, "The file holds no certificate to check.")
	}
	r := c.checker().Lookup(c.context(), *f.Certificate, f.Chain, true)
	c.invalidate()
	if f, err = c.Details(path); err != nil {
		return certs.File{}, err
	}
	revocation.Apply(&f, r)
	return f, nil
}

// RevocationCheck says whether the background checks are on.
func (c *Certificates) RevocationCheck() bool {
	return c.core.st.RevocationEnabled(context.Background())
}

// SetRevocationCheck turns the background checks on or off.
func (c *Certificates) SetRevocationCheck(on bool) error {
	v := "off"
	if on {
		v = "on"
	}
	return c.core.st.SetString(context.Background(), store.RevocationCheck, v)
}
