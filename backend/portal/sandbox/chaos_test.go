package sandbox

import (
	"slices"
	"strings"
	"testing"
)

// The same seed draws the same faults, so a failing run can be replayed;
// without one, a seed is picked and reported.
func TestChaosSeed(t *testing.T) {
	draws := func(seed uint64) (uint64, []bool) {
		s, err := Open(Options{ChaosSeed: seed})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		out := make([]bool, 64)
		for i := range out {
			out[i] = s.chance(0.5)
		}
		return s.ChaosSeed(), out
	}
	seed, a := draws(42)
	_, b := draws(42)
	if seed != 42 || !slices.Equal(a, b) {
		t.Errorf("seed %d: the draws differ between runs:\n%v\n%v", seed, a, b)
	}
	if _, c := draws(43); slices.Equal(a, c) {
		t.Errorf("seeds 42 and 43 draw the same faults")
	}
	picked, d := draws(0)
	if picked == 0 {
		t.Fatal("no seed picked")
	}
	if _, e := draws(picked); !slices.Equal(d, e) {
		t.Errorf("the picked seed %d doesn't replay its draws", picked)
	}
	// The log names the seed once there are faults to replay.
	var log strings.Builder
	logged, err := Open(Options{ChaosSeed: 7, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer logged.Close()
	if strings.Contains(log.String(), "seed") {
		t.Errorf("a seed logged without faults: %q", log.String())
	}
	logged.SetChaos(Chaos{Drop: 0.5})
	if !strings.Contains(log.String(), "seed 7 (replay with --chaos-seed 7)") {
		t.Errorf("log %q names no seed", log.String())
	}
}
