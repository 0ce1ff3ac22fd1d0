// Command compute prints Go's overview (overviewgolden.Output) of the
// overviewgolden.Input on stdin: the frontend's fake asks it while it
// records (OVERVIEW_GOLDEN=record, make golden).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"dpgcerts/internal/overviewgolden"
)

func main() {
	var in overviewgolden.Input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "compute:", err)
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(overviewgolden.Compute(in)); err != nil {
		fmt.Fprintln(os.Stderr, "compute:", err)
		os.Exit(1)
	}
}
