package portaltest

import (
	"os"
	"strconv"
	"testing"
)

// EnvChaosSeed replays the faults of a failing run: the tests' sandboxes
// take their chaos seed from it (go test's log names the seed each used).
const EnvChaosSeed = "DPGCERTS_CHAOS_SEED"

// ChaosSeed is the seed named by EnvChaosSeed, or 0 (a random one).
func ChaosSeed(t testing.TB) uint64 {
	t.Helper()
	v := os.Getenv(EnvChaosSeed)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		t.Fatalf("%s=%q: want a positive number", EnvChaosSeed, v)
	}
	return n
}
