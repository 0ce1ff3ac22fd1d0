package revocationtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"dpgcerts/internal/pkitest"
)

// TB is the part of testing.TB the PKI uses. Tests pass their *testing.T;
// a program passes a *Program.
type TB interface {
	pkitest.TB
	Fatalf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

// Program is a TB for a program that runs a PKI until it is stopped
// (e2e/revocation): a failure panics, TempDir makes folders under Dir, and
// the cleanups (the servers, the responders) run at Close.
type Program struct {
	// Dir holds the folders TempDir makes.
	Dir string

	mu       sync.Mutex
	n        int
	cleanups []func()
}

var _ TB = (*Program)(nil)

func (*Program) Helper()                           {}
func (*Program) Fatal(args ...any)                 { panic(fmt.Sprint(args...)) }
func (*Program) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// TempDir makes a new folder under Dir.
func (p *Program) TempDir() string {
	p.mu.Lock()
	p.n++
	dir := filepath.Join(p.Dir, fmt.Sprintf("pki-%d", p.n))
	p.mu.Unlock()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		p.Fatal(err)
	}
	return dir
}

// Cleanup adds f to the functions Close runs.
func (p *Program) Cleanup(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cleanups = append(p.cleanups, f)
}

// Close runs the cleanups, the last added first, once.
func (p *Program) Close() {
	p.mu.Lock()
	fs := p.cleanups
	p.cleanups = nil
	p.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
