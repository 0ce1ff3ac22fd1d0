package overviewgolden

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "write overview.golden.json from the inputs the frontend tests recorded (golden/pending)")

const dir = "../../frontend/src/test/golden"

// entry is one input of the golden file with Go's output; the key is the
// input's hash, as the fake computes it.
type entry struct {
	Input  json.RawMessage `json:"input"`
	Output Output          `json:"output"`
}

func compute(t *testing.T, raw json.RawMessage) Output {
	t.Helper()
	var in Input
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatalf("an input: %v", err)
	}
	return Compute(in)
}

// TestFrontendGolden: every output in the golden file is what Go's overview
// makes of its input today. With -update, the file is made anew from the
// inputs the frontend tests recorded.
func TestFrontendGolden(t *testing.T) {
	path := filepath.Join(dir, "overview.golden.json")
	golden := map[string]entry{}
	if *update {
		pending, err := filepath.Glob(filepath.Join(dir, "pending", "*.json"))
		if err != nil || len(pending) == 0 {
			t.Fatal("nothing recorded in golden/pending: run the frontend tests with OVERVIEW_GOLDEN=record (make golden)")
		}
		for _, p := range pending {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			golden[strings.TrimSuffix(filepath.Base(p), ".json")] = entry{Input: raw, Output: compute(t, raw)}
		}
		// One entry a line, in the order of their keys: a change shows as
		// the lines of the inputs it touched.
		keys := slices.Sorted(maps.Keys(golden))
		var b bytes.Buffer
		b.WriteString("{\n")
		for i, k := range keys {
			line, err := json.Marshal(golden[k])
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%q: %s", k, line)
			if i < len(keys)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(dir, "pending")); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden) == 0 {
		t.Fatal("the golden file is empty")
	}
	for key, e := range golden {
		want, _ := json.Marshal(e.Output)
		got, _ := json.Marshal(compute(t, e.Input))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: Go's overview changed; run make golden and review the frontend tests\n got %s\nwant %s", key, got, want)
		}
	}
}
