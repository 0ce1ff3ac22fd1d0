package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"dpgcerts/backend/portal/sandbox"
)

func runSandbox(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dpgcerts sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8787", "the `address` to listen on")
	db := fs.String("db", "", "the sandbox's database `FILE` (default: in memory, gone when it stops)")
	allowRemote := fs.Bool("allow-remote", false, "allow an address that isn't loopback. Careful: the sandbox's tokens are public\n"+
		"(listed above), so anyone who can reach the address can sign in and install")
	drop := fs.Float64("chaos-drop", 0, "drop the connection after the work is committed, with `probability` P")
	fail5xx := fs.Float64("chaos-5xx", 0, "answer 503 before doing anything, with `probability` P")
	fail429 := fs.Float64("chaos-429", 0, "answer 429 (Retry-After: 1) before doing anything, with `probability` P")
	latency := fs.Duration("chaos-latency", 0, "delay every answer by `D` (e.g. 300ms)")
	seed := fs.Uint64("chaos-seed", 0, "seed the faults' random numbers with `N`, to replay a run (default: a random seed, which it prints)")
	quiet := fs.Bool("quiet", false, "don't log the requests")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts sandbox [--addr 127.0.0.1:8787] [--db FILE] [--allow-remote] [--chaos-drop P] [--chaos-5xx P] [--chaos-429 P] [--chaos-latency D] [--chaos-seed N]")
		fmt.Fprintln(stderr, "\nRuns the local reference Customer Portal. Tokens: "+sandbox.TokenAdmin+" (registered),")
		fmt.Fprintln(stderr, sandbox.TokenUnregistered+" (not_registered), "+sandbox.TokenOldPortal+" (migration_required).")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	for _, p := range []float64{*drop, *fail5xx, *fail429} {
		if p < 0 || p > 1 {
			return usageError(fs, "a chaos probability must be between 0 and 1")
		}
	}
	if *latency < 0 {
		return usageError(fs, "--chaos-latency must not be negative")
	}
	if !*allowRemote {
		if err := sandbox.CheckLoopback(*addr); err != nil {
			return usageError(fs, "%v", err)
		}
	}
	opts := sandbox.Options{DB: *db, ChaosDrop: *drop, Chaos5xx: *fail5xx, Chaos429: *fail429, ChaosLatency: *latency,
		ChaosSeed: *seed}
	if !*quiet {
		opts.Log = stderr
	}
	srv, err := sandbox.Open(opts)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sandbox: %v\n", err)
		return ExitFailed
	}
	defer srv.Close()
	ctx, stop := signalContext()
	defer stop()
	where := *db
	if where == "" {
		where = "in memory"
	}
	err = srv.Listen(ctx, *addr, *allowRemote, func(url string) {
		fmt.Fprintf(stdout, "Sandbox portal on %s (API %s/api/v1), database %s\n", url, url, where)
		fmt.Fprintf(stdout, "Organisation %s, CVR %s. Tokens: %s, %s, %s\n", sandbox.OrgName, sandbox.OrgCVR,
			sandbox.TokenAdmin, sandbox.TokenUnregistered, sandbox.TokenOldPortal)
		if *drop > 0 || *fail5xx > 0 || *fail429 > 0 {
			// Also with --quiet: the seed is what replays a failing run.
			fmt.Fprintf(stdout, "Chaos seed %d (replay with --chaos-seed %d)\n", srv.ChaosSeed(), srv.ChaosSeed())
		}
		if f, ok := stdout.(*os.File); ok {
			f.Sync()
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sandbox: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}
