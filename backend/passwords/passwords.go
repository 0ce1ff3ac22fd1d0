// Package passwords is the one source of candidate passwords that the scan
// and the portal session both try: those given for this run (a passwords
// file, or typed in the window), then those remembered in the OS keychain.
// Passwords are used and forgotten: they are never written anywhere.
package passwords

import (
	"bufio"
	"bytes"
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"dpgcerts/backend/secrets"
)

// Source holds the passwords given in this process. Its methods are safe
// for concurrent use.
type Source struct {
	keychain bool

	mu    sync.Mutex
	given []string
}

// New is a source with the given passwords; with keychain, the remembered
// ones are candidates too.
func New(keychain bool, given ...string) *Source {
	s := &Source{keychain: keychain}
	s.Add(given...)
	return s
}

// Add makes passwords candidates for the rest of the process, in front of
// the remembered ones.
func (s *Source) Add(passwords ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range passwords {
		if !slices.Contains(s.given, p) {
			s.given = append(s.given, p)
		}
	}
}

// Reset forgets the given passwords and takes these instead, as a new
// process would.
func (s *Source) Reset(given ...string) {
	s.mu.Lock()
	s.given = nil
	s.mu.Unlock()
	s.Add(given...)
}

// List is the candidates: the given ones in their order, then the
// remembered ones. A machine without a keychain simply has none remembered.
func (s *Source) List() []string {
	s.mu.Lock()
	list := slices.Clone(s.given)
	s.mu.Unlock()
	if s.keychain {
		if remembered, err := secrets.Passwords(); err == nil {
			for _, p := range remembered {
				if !slices.Contains(list, p) {
					list = append(list, p)
				}
			}
		}
	}
	return list
}

// Parse reads a passwords file: one password per line, UTF-8. An empty line
// stands for the empty password; a final newline ends the last line rather
// than adding an empty password; CRLF files from Windows work.
func Parse(data []byte) ([]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errors.New("it is not UTF-8")
	}
	if len(data) == 0 {
		return nil, nil
	}
	text := strings.TrimSuffix(string(data), "\n")
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text + "\n"))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if p := strings.TrimSuffix(sc.Text(), "\r"); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, sc.Err()
}
