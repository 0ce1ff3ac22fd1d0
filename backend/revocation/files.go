package revocation

import (
	"context"
	"crypto/x509"
	"log/slog"
	"slices"
	"sync"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/internal/pool"
)

// Fresh says whether a cached answer may be reused at now: a good or revoked
// answer until its nextUpdate or for maxAge after it was checked, whichever
// comes first. Unknown answers are always asked again.
func Fresh(r certs.Revocation, now time.Time, maxAge time.Duration) bool {
	if r.Status != certs.RevocationGood && r.Status != certs.RevocationRevoked {
		return false
	}
	if r.CheckedAt.After(now.Add(clockSkew)) {
		return false // the clock went back: don't trust the age
	}
	until := r.CheckedAt.Add(maxAge)
	if !r.NextUpdate.IsZero() && r.NextUpdate.Before(until) {
		until = r.NextUpdate
	}
	return now.Before(until)
}

// Lookup is the answer for one certificate, with the cache: a fresh cached
// answer is reused unless force is set. When the CA can't be reached, the
// last good or revoked answer is returned, marked Stale, so an offline
// computer still shows it with its age. A forged or out-of-date answer is
// never covered up that way: it is returned as unknown.
func (c *Checker) Lookup(ctx context.Context, cert certs.Certificate, chain []certs.Certificate, force bool) certs.Revocation {
	leaf, err := x509.ParseCertificate(cert.Raw)
	if err != nil {
		return unknown(c.now(), "", fail(errs.RevocationMalformed, "The certificate can't be parsed for a revocation check."))
	}
	var parsed []*x509.Certificate
	for _, ch := range chain {
		if p, err := x509.ParseCertificate(ch.Raw); err == nil {
			parsed = append(parsed, p)
		}
	}
	var cached certs.Revocation
	var have bool
	if c.cache != nil && cert.SHA256 != "" {
		cached, have, err = c.cache.Revocation(ctx, cert.SHA256)
		if err != nil {
			slog.Warn("revocation: cache not read", "err", err)
			have = false
		}
	}
	if have && !force && Fresh(cached, c.now(), c.maxAge) {
		return cached
	}
	r := c.Check(ctx, leaf, parsed)
	if ctx.Err() != nil {
		// Cancelled: nothing learned, nothing to keep.
		if have && lastAnswer(cached) {
			cached.Stale = true
			return cached
		}
		return r
	}
	offline := r.Status == certs.RevocationUnknown && r.Error != nil && r.Error.Code == errs.RevocationUnreachable
	if offline && have && lastAnswer(cached) {
		cached.Stale = true
		return cached
	}
	if c.cache != nil && cert.SHA256 != "" && r.Status != certs.RevocationNotChecked {
		if err := c.cache.PutRevocation(ctx, cert.SHA256, r); err != nil {
			slog.Warn("revocation: answer not cached", "err", err)
		}
	}
	return r
}

func lastAnswer(r certs.Revocation) bool {
	return r.Status == certs.RevocationGood || r.Status == certs.RevocationRevoked
}

// Progress reports a batch of checks after each certificate.
type Progress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// CheckFiles checks the primary certificate of each file, at most Workers
// at a time, and sets its Revocation, and the file's status to revoked when
// the CA says so. A certificate found in several files is asked about once.
// Expired certificates are not asked about. progress, if not nil, is called
// after each certificate, never concurrently. On cancel, CheckFiles returns
// ctx.Err(), and the files not checked keep no Revocation.
func (c *Checker) CheckFiles(ctx context.Context, files []certs.File, force bool, progress func(Progress)) error {
	type job struct {
		sha   string
		index int // the first file with this certificate
	}
	var jobs []job
	firstOf := map[string]int{}
	for i := range files {
		f := &files[i]
		if f.Certificate == nil || f.Certificate.IsCA {
			continue
		}
		if f.Status == certs.StatusExpired {
			Apply(f, NotChecked(errs.RevocationExpired, "An expired certificate is not checked for revocation."))
			continue
		}
		if _, ok := firstOf[f.Certificate.SHA256]; ok {
			continue
		}
		firstOf[f.Certificate.SHA256] = i
		jobs = append(jobs, job{sha: f.Certificate.SHA256, index: i})
	}

	results := make(map[string]certs.Revocation, len(jobs))
	var mu sync.Mutex
	done := 0
	pool.Each(ctx, min(c.workers, max(len(jobs), 1)), jobs, func(j job) {
		f := files[j.index]
		r := c.Lookup(ctx, *f.Certificate, f.Chain, force)
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			results[j.sha] = r
		}
		done++
		if progress != nil {
			progress(Progress{Done: done, Total: len(jobs)})
		}
	})

	for i := range files {
		f := &files[i]
		if f.Certificate == nil || f.Status == certs.StatusExpired {
			continue
		}
		if r, ok := results[f.Certificate.SHA256]; ok {
			Apply(f, r)
		}
	}
	return ctx.Err()
}

// Apply puts r on f's certificate, and makes the file revoked when r says
// so. Files the reader could not judge by date (locked, invalid) keep their
// status.
func Apply(f *certs.File, r certs.Revocation) {
	if f.Certificate == nil {
		return
	}
	// Copy the certificate: cached files share theirs between goroutines.
	c := *f.Certificate
	c.Revocation = &r
	f.Certificate = &c
	if r.Status != certs.RevocationRevoked {
		return
	}
	switch f.Status {
	case certs.StatusValid, certs.StatusExpiring, certs.StatusExpired, certs.StatusNotYetValid:
		f.Status = certs.StatusRevoked
	}
}

// Checkable says whether CheckFiles would ask anybody about f: it has a
// certificate, not expired and not a CA's, that names an http(s) OCSP
// responder or CRL. The window starts no background check without one.
func Checkable(f certs.File) bool {
	if f.Certificate == nil || f.Certificate.IsCA || f.Status == certs.StatusExpired {
		return false
	}
	leaf, err := x509.ParseCertificate(f.Certificate.Raw)
	if err != nil {
		return false
	}
	for _, u := range append(slices.Clone(leaf.OCSPServer), leaf.CRLDistributionPoints...) {
		if httpURL(u) {
			return true
		}
	}
	return false
}

// Aged is a cached answer as shown at now: a good or revoked answer that is
// no longer fresh is marked Stale, so it shows with its age until a check
// succeeds.
func Aged(r certs.Revocation, now time.Time) certs.Revocation {
	if lastAnswer(r) && !Fresh(r, now, DefaultMaxAge) {
		r.Stale = true
	}
	return r
}
