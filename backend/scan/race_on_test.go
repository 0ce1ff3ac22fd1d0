//go:build race

package scan

// raceEnabled: the race detector slows crypto ~15×; timing tests skip.
const raceEnabled = true
