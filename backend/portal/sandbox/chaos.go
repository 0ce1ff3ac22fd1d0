package sandbox

import (
	"bytes"
	"net/http"
	"time"

	"dpgcerts/backend/errs"
)

// recorder holds an answer until the chaos has decided what to do with it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Chaos is the fault injection (see Options).
type Chaos struct {
	Drop, Fail5xx, Fail429 float64
	Latency                time.Duration
}

// SetChaos changes the fault injection of a running sandbox.
func (s *Server) SetChaos(c Chaos) {
	s.chaosMu.Lock()
	s.opts.ChaosDrop, s.opts.Chaos5xx, s.opts.Chaos429, s.opts.ChaosLatency = c.Drop, c.Fail5xx, c.Fail429, c.Latency
	s.chaosMu.Unlock()
	s.logChaos(c)
}

// logChaos logs the fault rates with the seed that replays them, when
// there are faults.
func (s *Server) logChaos(c Chaos) {
	if s.logger != nil && (c.Drop > 0 || c.Fail5xx > 0 || c.Fail429 > 0) {
		s.logger.Printf("chaos: drop %v, 503 %v, 429 %v; seed %d (replay with --chaos-seed %d)",
			c.Drop, c.Fail5xx, c.Fail429, s.opts.ChaosSeed, s.opts.ChaosSeed)
	}
}

// ChaosSeed is the seed of the chaos's random numbers (Options.ChaosSeed,
// or the one picked at random).
func (s *Server) ChaosSeed() uint64 { return s.opts.ChaosSeed }

// chance says true with probability p, drawn from the seeded numbers.
func (s *Server) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	s.chaosMu.Lock()
	defer s.chaosMu.Unlock()
	return s.chaosRNG.Float64() < p
}

func (s *Server) currentChaos() Chaos {
	s.chaosMu.Lock()
	defer s.chaosMu.Unlock()
	return Chaos{Drop: s.opts.ChaosDrop, Fail5xx: s.opts.Chaos5xx, Fail429: s.opts.Chaos429, Latency: s.opts.ChaosLatency}
}

// chaos wraps the API with the fault injection and the request log.
func (s *Server) chaos(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ch := s.currentChaos()
		status, note := 0, ""
		defer func() {
			if s.logger != nil {
				// The path only: no query string, header or body.
				s.logger.Printf("%s %s %d %s%s", r.Method, r.URL.Path, status, time.Since(start).Round(time.Millisecond), note)
			}
		}()
		switch {
		case s.chance(ch.Fail5xx):
			a := errAnswer(errs.Unavailable, "the portal is unavailable (sandbox chaos)")
			s.delay(r, ch.Latency)
			a.write(w, false)
			status, note = a.status, " (chaos 503)"
			return
		case s.chance(ch.Fail429):
			a := errAnswer(errs.RateLimited, "too many requests; retry after the time in Retry-After (sandbox chaos)")
			w.Header().Set("Retry-After", "1")
			s.delay(r, ch.Latency)
			a.write(w, false)
			status, note = a.status, " (chaos 429)"
			return
		}
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		status = rec.status
		s.delay(r, ch.Latency)
		if s.chance(ch.Drop) {
			// The work is done and committed; the answer is lost.
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				note = " (chaos: connection dropped)"
				return
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	})
}

// delay waits ChaosLatency, or until the client goes away.
func (s *Server) delay(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
