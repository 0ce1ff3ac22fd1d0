package overview

import (
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"dpgcerts/backend/portal"
)

// Changes is a list as what changed since an earlier one the window holds:
// the head as it is now, the rows that are new or changed, and the keys of
// the rows that are gone. Full says that Rows is the whole list, because
// the window holds none, or one this process no longer knows. An unlock or
// a sync that changed one row sends one row, not 10,000.
type Changes struct {
	// Generation numbers the lists sent; the next load asks for the
	// changes since it.
	Generation   uint64               `json:"generation"`
	Full         bool                 `json:"full"`
	SyncedAt     *time.Time           `json:"syncedAt"`
	Organization *portal.Organization `json:"organization"`
	WarnDays     int                  `json:"warnDays"`
	Integrations []Integration        `json:"integrations"`
	Rows         []Row                `json:"rows"`
	Removed      []string             `json:"removed"`
}

// Sent remembers the last list sent to the window, as a print of each row,
// so that the next one can be sent as Changes. The zero value has sent
// nothing.
type Sent struct {
	mu     sync.Mutex
	gen    uint64
	prints map[string]uint64
}

// Next is l as the changes since the list of generation since, which the
// window holds, and remembers l as sent. It is the whole list when since is
// not the last generation sent (0: the window holds nothing; another page
// of the window asked meanwhile).
func (s *Sent) Next(l List, since uint64) Changes {
	prints := make(map[string]uint64, len(l.Rows))
	for _, r := range l.Rows {
		prints[r.Key] = r.print()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := Changes{SyncedAt: l.SyncedAt, Organization: l.Organization, WarnDays: l.WarnDays, Integrations: l.Integrations,
		Rows: []Row{}, Removed: []string{}}
	if since == 0 || since != s.gen {
		ch.Full, ch.Rows = true, l.Rows
	} else {
		for _, r := range l.Rows {
			if p, ok := s.prints[r.Key]; !ok || p != prints[r.Key] {
				ch.Rows = append(ch.Rows, r)
			}
		}
		for key := range s.prints {
			if _, ok := prints[key]; !ok {
				ch.Removed = append(ch.Removed, key)
			}
		}
		slices.Sort(ch.Removed)
	}
	if s.gen == 0 {
		// A page may outlive the process (wails dev): a new process's
		// generations must not meet the old one's. Under 2^53 for JSON.
		s.gen = rand.Uint64N(1 << 52)
	}
	s.gen++
	s.prints = prints
	ch.Generation = s.gen
	return ch
}

// print is a hash of everything the row sends: two rows with one print
// show the same.
func (r Row) print() uint64 {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a Row has nothing that can't be encoded
	}
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
