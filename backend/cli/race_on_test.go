//go:build race

package cli

// raceFlags build a subprocess binary the way this test binary was built,
// so it reuses the same compiled packages (the SQLite C code above all).
var raceFlags = []string{"-race"}
