package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"dpgcerts/backend/config"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store"
)

// statusFailLevels are the integration states --fail-on accepts, with the
// states that meet each. no_certificate meets neither: an integration that
// has no certificate has nothing that can stop, and a new DPG solution
// lists integrations the organisation may never use. Revoked ranks with
// expired.
var statusFailLevels = map[string][]overview.State{
	"expiring": {overview.StateExpiring, overview.StateExpired, overview.StateRevoked},
	"expired":  {overview.StateExpired, overview.StateRevoked},
}

func runStatus(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	p := newPortalFlags("status", "", "", stderr, false)
	warnDays := p.warnDaysFlag()
	failOn := p.fs.String("fail-on", "", "exit 1 when an integration is at or past `LEVEL`: expiring or expired (revoked counts as expired)")
	checkRevocation := p.fs.Bool("revocation", false, "ask the CAs (OCSP, else the CRL) whether the certificates are revoked; this tells them which certificates were asked about")
	p.fs.Lookup("portal").Usage = "sync with the portal at `URL` first (default: show the offline copy of the portal synced last, with no network)"
	p.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts status [--json] [--db FILE] [--warn-days N] [--portal URL] [--revocation] [--fail-on LEVEL]")
		fmt.Fprintln(stderr, "\nThe DPG solution at a glance: its integrations (which stops first, and what to do),")
		fmt.Fprintln(stderr, "then every certificate, in DPG and in the files scanned on this computer, merged.")
		fmt.Fprintln(stderr, "Without --portal it reads the offline copy and the scan cache only.")
		fmt.Fprintln(stderr, "Exit status: 0, 1 when --fail-on is met (or the database can't be read), 2 wrong usage,")
		fmt.Fprintln(stderr, "3 the portal could not be reached (the offline copy is shown), 5 refused by the portal.")
		p.fs.PrintDefaults()
	}
	if code, ok := p.parseNoArgs(args); !ok {
		return code
	}
	failStates, failing := statusFailLevels[*failOn]
	if *failOn != "" && !failing {
		return p.usageError("--fail-on must be expiring or expired")
	}
	if *warnDays < 0 || *warnDays > store.WarnDays.Max {
		return p.usageError("--warn-days must be between 1 and %d", store.WarnDays.Max)
	}
	ctx, stop := signalContext()
	defer stop()
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "dpgcerts status: "+format+"\n", a...)
		return ExitFailed
	}

	rt, err := config.FromEnv(getenv)
	if err != nil {
		return p.usageError("%v", err)
	}
	var ses *session.Session
	var st *store.Store
	exit := ExitOK
	if *p.portalURL != "" {
		ps, code := openSession("status", p, stderr, getenv)
		if ps == nil {
			return code
		}
		defer ps.Close()
		res, code := ps.sync(ctx, "status", *p.timeout, stderr, "interrupted")
		if code != ExitOK {
			return code
		}
		if res.RefreshError != "" {
			fmt.Fprintf(stderr, "dpgcerts status: the portal could not be reached (%s); showing the offline copy\n", res.RefreshError)
			exit = ExitPending
		}
		ses, st = ps.ses, ps.st
	} else {
		// No network: the offline copy of the portal signed in or synced last.
		var err error
		if st, err = rt.OpenStore(*p.dbPath); err != nil {
			return fail("%v", err)
		}
		defer st.Close()
		ses = session.New(session.Options{Store: st, Runtime: rt})
	}
	if *checkRevocation {
		targets, err := ses.RevocationTargets(ctx)
		if err != nil {
			return fail("%v", err)
		}
		// The answers go to the cache, where the overview finds them.
		if err := checkFiles(ctx, targets, st, rt.Now(), getenv(config.EnvNow) != "", stderr); err != nil {
			fmt.Fprintln(stderr, "dpgcerts status: revocation check cancelled")
			return ExitInterrupted
		}
	}
	ov, err := ses.Overview(ctx, *warnDays)
	if err != nil {
		return fail("%v", err)
	}
	if *p.asJSON {
		writeJSON(stdout, ov)
	} else {
		printStatus(stdout, ov, ses.Address())
	}
	// Judged on the integrations: a replaced certificate, which no
	// integration uses, can't meet it.
	for _, i := range ov.Integrations {
		for _, s := range failStates {
			if i.State == s {
				return ExitFailOn
			}
		}
	}
	return exit
}

// statusInput reads what the overview is built from: the scan cache
// judged at now, and the portal's offline copy and outbox when svc is set.
// printStatus prints the integrations first (the one that stops first
// first, with what to do), then the certificates.
func printStatus(w io.Writer, ov overview.Overview, portalURL string) {
	byID := map[string]overview.Certificate{}
	for _, c := range ov.Certificates {
		byID[c.SHA256] = c
	}
	if ov.SyncedAt == nil {
		fmt.Fprintln(w, "No copy of the DPG solution yet: run dpgcerts status --portal URL to fetch it.")
		fmt.Fprintln(w, "The certificates below are those found on this computer only.")
	} else {
		org := ""
		if o := ov.Organization; o != nil {
			org = fmt.Sprintf(" of %s (CVR %s)", o.Name, o.CVR)
		}
		fmt.Fprintf(w, "The DPG solution%s at %s, as synced %s:\n\n", org, portalURL, ov.SyncedAt.UTC().Format("2006-01-02 15:04 UTC"))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATE\tDAYS\tINTEGRATION\tCERTIFICATE\tNEXT STEP")
		for _, i := range ov.Integrations {
			days, name := "-", "-"
			if c := i.Certificate; c != nil {
				days, name = fmt.Sprint(c.DaysLeft), c.CommonName
			}
			fmt.Fprintf(tw, "%s\t%s\t%s (%s)\t%s\t%s\n", i.State, days, i.Kind, i.Name, name, strings.ReplaceAll(string(i.NextStep), "_", " "))
		}
		tw.Flush()
		if len(ov.Integrations) > 0 {
			if first := ov.Integrations[0]; first.Certificate != nil {
				fmt.Fprintf(w, "\nFirst to stop: %s (%s): %s.\n", first.Kind, first.Name, stateWords(first))
			}
		}
		todo := false
		for _, i := range ov.Integrations {
			lines := stepLines(i, byID, portalURL)
			if len(lines) == 0 {
				continue
			}
			if !todo {
				fmt.Fprintln(w, "\nWhat to do:")
				todo = true
			}
			fmt.Fprintf(w, "  %s (%s): %s.\n", i.Kind, i.Name, stateWords(i))
			for _, l := range lines {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}

	fmt.Fprintln(w)
	if len(ov.Certificates) == 0 {
		fmt.Fprintln(w, "No certificates, in DPG or in the files scanned on this computer (dpgcerts scan PATH).")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(ov.Certificates) > 0 {
		fmt.Fprintln(tw, "STATUS\tDAYS\tEXPIRES\tNAME\tCVR\tWHERE\tUSED BY\tNOTE")
	}
	var replaced []overview.Certificate
	for _, c := range ov.Certificates {
		if c.ReplacedBy != nil {
			replaced = append(replaced, c)
			continue
		}
		var used []string
		for _, u := range c.Usages {
			used = append(used, u.Kind)
		}
		usedBy := strings.Join(used, ", ")
		switch {
		case c.NotInUse:
			usedBy = "not in use"
		case usedBy == "":
			usedBy = "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Status, c.DaysLeft, c.NotAfter.Format("2006-01-02"),
			c.CommonName, orDash(c.CVR), where(c), usedBy, note(c))
	}
	tw.Flush()
	// Replaced certificates are history: last, apart, and in no count.
	if len(replaced) > 0 {
		fmt.Fprintln(w, "\nReplaced (a renewal has taken over; not counted):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tDAYS\tEXPIRES\tNAME\tCVR\tWHERE\tREPLACED BY\tSINCE")
		for _, c := range replaced {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s (%.8s)\t%s\n", c.Status, c.DaysLeft, c.NotAfter.Format("2006-01-02"),
				c.CommonName, orDash(c.CVR), where(c), c.ReplacedByName, *c.ReplacedBy, c.ReplacedAt.UTC().Format("2006-01-02"))
		}
		tw.Flush()
	}
	if len(ov.Files) > 0 {
		fmt.Fprintln(w, "\nFiles whose certificate is not known:")
		for _, f := range ov.Files {
			msg := string(f.Status)
			if f.Error != nil {
				msg += ": " + f.Error.Message + " (" + f.Error.Code + ")"
			}
			fmt.Fprintf(w, "  %s: %s\n", f.Path, msg)
		}
	}
	t := ov.Tiles
	counted := len(ov.Certificates) - t.Replaced
	noun := "certificates"
	if counted == 1 {
		noun = "certificate"
	}
	need := "need"
	if t.Attention == 1 {
		need = "needs"
	}
	fmt.Fprintf(w, "\n%d %s: %d valid, %d expiring, %d expired or invalid; %d %s attention.\n",
		counted, noun, t.Valid, t.Expiring, t.Invalid, t.Attention, need)
	switch t.Replaced {
	case 0:
	case 1:
		fmt.Fprintln(w, "1 replaced certificate is not counted.")
	default:
		fmt.Fprintf(w, "%d replaced certificates are not counted.\n", t.Replaced)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// stateWords says how an integration stands, in a few words.
func stateWords(i overview.Integration) string {
	c := i.Certificate
	switch {
	case c == nil:
		return "no certificate"
	case i.State == overview.StateExpired:
		return "its certificate expired on " + c.NotAfter.Format("2006-01-02") + ": it has stopped"
	case c.DaysLeft == 1:
		return "its certificate expires in 1 day, on " + c.NotAfter.Format("2006-01-02")
	}
	return fmt.Sprintf("its certificate expires in %d days, on %s", c.DaysLeft, c.NotAfter.Format("2006-01-02"))
}

// stepLines says how to do an integration's next step from the command
// line; nothing for none.
func stepLines(i overview.Integration, byID map[string]overview.Certificate, portalURL string) []string {
	if portalURL == "" {
		portalURL = "URL"
	}
	exo := i.Kind == portal.KindExchangeOnline
	activate := func(sha string) string {
		cmd := fmt.Sprintf("dpgcerts activate --portal %s --integration %s --certificate %s", portalURL, i.ID, sha)
		if exo {
			cmd += " --entra-thumbprint HEX"
		}
		return cmd
	}
	// Exchange Online: Entra must have the certificate before DPG uses it.
	entra := func(sha string) []string {
		return []string{fmt.Sprintf("dpgcerts export-cer --certificate %s -o new.cer", sha),
			"(upload new.cer to the Entra app registration; HEX is the thumbprint Entra shows for it)"}
	}
	s := i.Successor
	switch i.NextStep {
	case overview.StepActivate:
		return []string{"The renewal " + s.CommonName + " is in DPG but not active. Activate it:", activate(s.SHA256)}
	case overview.StepRegisterEntra:
		return slices.Concat([]string{"The renewal " + s.CommonName + " is in DPG. Register it in Entra, then activate it:"},
			entra(s.SHA256), []string{activate(s.SHA256)})
	case overview.StepInstallAndActivate:
		file := installableFile(byID[s.SHA256])
		lines := []string{"The renewal " + s.CommonName + " is on this computer, not in DPG. Install and activate it:",
			fmt.Sprintf("dpgcerts install --portal %s %s", portalURL, shellQuote(file))}
		if exo {
			lines = append(lines, entra(s.SHA256)...)
		}
		return append(lines, activate(s.SHA256))
	case overview.StepRenew:
		return []string{"No renewal is in DPG or on this computer. Renew the certificate in MitID Erhverv",
			"(the help guide \"How to renew an organisation certificate\"), then install and activate it."}
	case overview.StepWait:
		return []string{"An install or activation for it is in the outbox: dpgcerts sync --portal " + portalURL + " sends it",
			"(an install that waits for its password: add --passwords FILE)."}
	case overview.StepFix:
		why := ""
		if s != nil {
			if o := byID[s.SHA256].Operation; o != nil && o.ErrorCode != "" {
				why = " (" + o.ErrorCode + ")"
			}
		}
		return []string{"Its last install or activation failed" + why + ". See dpgcerts sync --portal " + portalURL + " --json, then try again."}
	}
	return nil
}

// installableFile is the certificate's .p12/.pfx when one is known by name,
// else its first file.
func installableFile(c overview.Certificate) string {
	for _, f := range c.Files {
		l := strings.ToLower(f)
		if strings.HasSuffix(l, ".p12") || strings.HasSuffix(l, ".pfx") {
			return f
		}
	}
	if len(c.Files) > 0 {
		return c.Files[0]
	}
	return "FILE"
}

// shellQuote quotes a path with spaces or quotes for a shell.
func shellQuote(s string) string {
	if !strings.ContainsAny(s, " '\"$`\\") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// where says where a certificate is.
func where(c overview.Certificate) string {
	files := ""
	switch n := len(c.Files); n {
	case 0:
	case 1:
		files = "this PC (1 file)"
	default:
		files = fmt.Sprintf("this PC (%d files)", n)
	}
	switch {
	case c.InPortal && files != "":
		return "DPG, " + files
	case c.InPortal:
		return "DPG"
	}
	return files
}

// note is why a certificate needs attention and its operation.
func note(c overview.Certificate) string {
	var parts []string
	for _, r := range c.Attention {
		switch r {
		case overview.ReasonNoSuccessor:
			parts = append(parts, "in use, no renewal found")
		case overview.ReasonNotInstalled:
			parts = append(parts, "renewal not installed in DPG")
		case overview.ReasonOCES2:
			parts = append(parts, "OCES2: replace it")
		default:
			parts = append(parts, string(r))
		}
	}
	if o := c.Operation; o != nil {
		s := o.Kind + " " + strings.ReplaceAll(o.State, "_", " ")
		if o.State == portal.StateFailed && o.ErrorCode != "" {
			s += " (" + o.ErrorCode + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}
