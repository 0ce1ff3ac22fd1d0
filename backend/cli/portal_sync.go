package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/report"
	"dpgcerts/backend/session"
)

func runSync(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	p := newPortalFlags("sync",
		"dpgcerts sync --portal URL [--db FILE] [--passwords FILE] [--json] [--timeout D] [--cancel ID]",
		"Sends what the outbox holds and refreshes the offline copy of the portal (the user,\n"+
			"the certificates and their usages, the integrations, the audit trail). --passwords\n"+
			"gives the installs that wait for their file's password. --cancel ends one pending or\n"+
			"waiting operation (its ID is in the list) and removes its file and kept password.", stderr, true)
	cancel := p.fs.Int64("cancel", 0, "cancel the pending or waiting operation `ID` instead of syncing")
	if code, ok := p.parseNoArgs(args); !ok {
		return code
	}
	ses, ctx, done, code := startSession("sync", p, stderr, getenv)
	if ses == nil {
		return code
	}
	defer done()
	if *cancel != 0 {
		return cancelOp(ctx, ses, *cancel, *p.asJSON, stdout, stderr)
	}

	unlocked, err := ses.ses.SupplyPasswords(ctx, ses.ses.Passwords())
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: %v\n", err)
		return ExitFailed
	}
	started := time.Now()
	res, code := ses.sync(ctx, "sync", *p.timeout, stderr, "interrupted; the outbox keeps the rest")
	if code != ExitOK {
		return code
	}
	status, err := ses.ses.Status(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: %v\n", err)
		return ExitFailed
	}
	// The operations that ended in this sync, and those still waiting.
	all, err := ses.ses.Operations(ctx, portal.StatePending, portal.StateNeedsPassword, portal.StateDone, portal.StateFailed)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: %v\n", err)
		return ExitFailed
	}
	var shown []portal.Operation
	for _, o := range all {
		if o.State == portal.StatePending || o.State == portal.StateNeedsPassword || !o.FinishedAt.Before(started) {
			shown = append(shown, o)
		}
	}
	if *p.asJSON {
		writeJSON(stdout, struct {
			Portal     string             `json:"portal"`
			Unlocked   int                `json:"unlocked"`
			Sync       portal.SyncResult  `json:"sync"`
			Status     portal.Status      `json:"status"`
			Operations []portal.Operation `json:"operations"`
		}{ses.ses.Portal(), unlocked, res, status.Status, nonNil(shown)})
	} else {
		printOps(stdout, shown)
		fmt.Fprintf(stdout, "Sent: %d done, %d failed. Waiting: %d pending, %d need a password.\n",
			res.Done, res.Failed, res.Pending, res.NeedsPassword)
		if res.RefreshError != "" {
			fmt.Fprintf(stdout, "The overview could not be refreshed (%s).\n", res.RefreshError)
		} else {
			fmt.Fprintf(stdout, "Synced %s at %s.\n", ses.ses.Portal(), status.CertificatesSyncedAt.Local().Format("2006-01-02 15:04:05"))
		}
	}
	switch {
	case res.Pending > 0:
		return ExitPending
	case res.NeedsPassword > 0:
		return ExitNeedsPassword
	case res.RefreshError != "":
		return ExitPending
	}
	return ExitOK
}

// cancelOp cancels one operation and shows it.
func cancelOp(ctx context.Context, ses *portalSession, id int64, asJSON bool, stdout, stderr io.Writer) int {
	if err := ses.ses.Cancel(ctx, id); err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: operation %d: %s\n", id, errMessage(err))
		if errors.Is(err, portal.ErrEnded) || errors.Is(err, portal.ErrNotFound) {
			return ExitUsage
		}
		return ExitFailed
	}
	o, err := ses.ses.Operation(ctx, id)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: %v\n", err)
		return ExitFailed
	}
	if asJSON {
		writeJSON(stdout, struct {
			Operation portal.Operation `json:"operation"`
		}{o})
	} else {
		fmt.Fprintf(stdout, "Cancelled %s %s.\n", o.Kind, opLabel(o))
	}
	return ExitOK
}

func nonNil(ops []portal.Operation) []portal.Operation {
	if ops == nil {
		return []portal.Operation{}
	}
	return ops
}

func printOps(w io.Writer, ops []portal.Operation) {
	if len(ops) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRESULT\tOPERATION\tDETAILS")
	for _, o := range ops {
		details := ""
		switch o.State {
		case portal.StateFailed:
			details = o.ErrorMessage + " (" + o.ErrorCode + ")"
		case portal.StateNeedsPassword:
			details = "give the password: dpgcerts sync --passwords FILE (or --cancel " + strconv.FormatInt(o.ID, 10) + ")"
		case portal.StatePending:
			details = "will retry (" + o.ErrorCode + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", o.ID, outcomeOf(o), opLabel(o), details)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func runActivate(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	p := newPortalFlags("activate",
		"dpgcerts activate --portal URL [--db FILE] [--json] [--timeout D] --integration KIND_OR_ID --certificate SHA256\n"+
			"         [--entra-thumbprint HEX | --skip-entra-check]",
		"Makes an integration use an installed certificate. KIND_OR_ID is an integration's id, its\n"+
			"name (e.g. the mailbox address) or its kind when only one has it: exchange_online,\n"+
			"digital_post, mit_dk, secure_mail. SHA256 is the certificate's SHA-256 thumbprint (or a\n"+
			"unique prefix of at least 8 hex digits).\n\n"+
			"Exchange Online signs in with the certificate through the Entra app registration, so Entra\n"+
			"must have it before DPG uses it: export it (dpgcerts export-cer), upload it to the app\n"+
			"registration, and pass the thumbprint Entra shows with --entra-thumbprint. Without it (or\n"+
			"--skip-entra-check, which stops Exchange Online until Entra has the certificate), the\n"+
			"command changes nothing and exits 2.", stderr, false)
	integration := p.fs.String("integration", "", "the integration's `KIND_OR_ID`")
	certificate := p.fs.String("certificate", "", "the certificate's `SHA256` thumbprint")
	entraThumb := p.fs.String("entra-thumbprint", "", "Exchange Online: the thumbprint Entra shows for the uploaded certificate (`HEX`, SHA-1 or SHA-256)")
	skipEntra := p.fs.Bool("skip-entra-check", false, "Exchange Online: activate without checking that Entra has the certificate (it stops until Entra does)")
	if code, ok := p.parseNoArgs(args); !ok {
		return code
	}
	if *integration == "" || *certificate == "" {
		return p.usageError("--integration and --certificate are required")
	}
	if *entraThumb != "" && *skipEntra {
		return p.usageError("give --entra-thumbprint or --skip-entra-check, not both")
	}
	thumb := session.Thumbprint(*certificate)
	if len(thumb) < 8 || !session.IsHex(thumb) {
		return p.usageError("--certificate must be a SHA-256 thumbprint in hex")
	}
	ses, ctx, done, code := startSession("activate", p, stderr, getenv)
	if ses == nil {
		return code
	}
	defer done()
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "dpgcerts activate: "+format+"\n", a...)
		return code
	}

	// The newest records, or the offline copy when the portal can't be reached.
	if err := ses.ses.Refresh(ctx); err != nil {
		switch portal.Classify(err) {
		case portal.Account:
			return fail(ExitRefused, "%s", refusedMessage(err))
		case portal.Transient:
			fmt.Fprintf(stderr, "dpgcerts activate: the portal can't be reached (%s); using the offline copy\n", errs.Code(err))
		default:
			return fail(ExitFailed, "%s", errMessage(err))
		}
	}
	ins, err := ses.ses.Integrations(ctx, false)
	if err != nil {
		return fail(ExitFailed, "%s", errMessage(err))
	}
	if len(ins) == 0 {
		// Not the arguments' fault: the offline copy holds no integration yet.
		return fail(ExitFailed, "no integrations are known yet; run dpgcerts sync while online (%s)", errs.NotFound)
	}
	in, err := findIntegration(ins, *integration)
	if err != nil {
		return fail(ExitUsage, "%s", errMessage(err))
	}
	ref := session.Ref{SHA256: thumb}
	// What it uses already needs no proof: nothing changes.
	inUse := in.Active != nil && strings.HasPrefix(strings.ToLower(in.Active.SHA256), thumb)
	if in.Kind == portal.KindExchangeOnline && !*skipEntra && !inUse {
		if code := checkEntra(ctx, ses.ses, ref, *entraThumb, stderr); code != ExitOK {
			return code
		}
	}
	opts := session.ActivateOptions{SendOptions: session.SendOptions{GiveUpAfter: *p.timeout}, SkipEntraCheck: *skipEntra, KeepFailed: true}
	out, err := ses.ses.Activate(ctx, in.ID, ref, in.Version, opts)
	switch errs.Code(err) {
	case errs.NotFound:
		var e *errs.Error
		errors.As(err, &e)
		return fail(ExitFailed, "%s; install it first with dpgcerts install (not_found)", e.Message)
	case errs.AmbiguousThumbprint, errs.InvalidThumbprint:
		return fail(ExitUsage, "--certificate: %s", errMessage(err))
	}
	if code := ses.failure(ctx, err, "activate", stderr, "interrupted; the outbox keeps the activation for dpgcerts sync"); code != ExitOK {
		return code
	}
	if out.Result == session.ResultUnchanged {
		if *p.asJSON {
			writeJSON(stdout, struct {
				Integration portal.Integration `json:"integration"`
				Unchanged   bool               `json:"unchanged"`
			}{in.Integration, true})
		} else {
			fmt.Fprintf(stdout, "%s (%s) already uses %s.\n", in.Kind, in.Name, out.New.CommonName)
		}
		return ExitOK
	}
	if *p.asJSON {
		writeJSON(stdout, struct {
			Operation *portal.Operation `json:"operation"`
			Sync      portal.SyncResult `json:"sync"`
		}{out.Operation, out.Sync()})
	} else {
		printActivation(stdout, out)
	}
	return exitOf(out)
}

// checkEntra asks for the proof that Entra has the certificate before
// Exchange Online uses it: the thumbprint Entra shows. Without it, or with
// another certificate's, it is a usage error and DPG is not touched.
func checkEntra(ctx context.Context, ses *session.Session, ref session.Ref, pasted string, stderr io.Writer) int {
	if pasted == "" {
		fmt.Fprintf(stderr, "dpgcerts activate: Exchange Online needs the certificate in the Entra app registration first (%s):\n"+
			"  1. dpgcerts export-cer --certificate %s -o new.cer\n"+
			"  2. upload new.cer to the app registration (Entra admin center, App registrations, Certificates & secrets)\n"+
			"  3. run this command again with --entra-thumbprint and the thumbprint Entra shows for it\n"+
			"(or --skip-entra-check, which stops Exchange Online until Entra has the certificate). Nothing was changed.\n",
			errs.EntraNotRegistered, ref.SHA256)
		return ExitUsage
	}
	res, err := ses.CheckEntra(ctx, ref, pasted)
	switch {
	case errs.Code(err) == errs.NotFound:
		fmt.Fprintf(stderr, "dpgcerts activate: %s; install it first with dpgcerts install (not_found)\n", errMessage(err))
		return ExitFailed
	case errs.Code(err) == errs.AmbiguousThumbprint || errs.Code(err) == errs.InvalidThumbprint:
		fmt.Fprintf(stderr, "dpgcerts activate: --certificate: %s\n", errMessage(err))
		return ExitUsage
	case err != nil:
		fmt.Fprintf(stderr, "dpgcerts activate: %s\n", errMessage(err))
		return ExitFailed
	case !res.Matched:
		fmt.Fprintf(stderr, "dpgcerts activate: --entra-thumbprint: %s (%s). Nothing was changed.\n", res.Message, res.Code)
		return ExitUsage
	}
	return ExitOK
}

// printActivation says what an activation's outcome was.
func printActivation(w io.Writer, out session.Activation) {
	in := out.Integration
	switch out.Result {
	case session.ResultActivated:
		fmt.Fprintf(w, "Activated for %s (%s): %s\nBefore: %s\n", in.Kind, in.Name, certName(&out.New), certName(out.Old))
		if in.Kind == portal.KindExchangeOnline && out.Old != nil {
			fmt.Fprintf(w, "Remove the old certificate (thumbprint %s) from the Entra app registration once mail flows again.\n", strings.ToUpper(out.Old.SHA1))
		}
	case session.ResultFailed:
		msg := out.Message + " (" + out.Code + ")"
		if out.Code == errs.PreconditionFailed {
			msg = "someone else changed the integration meanwhile; check it and run the command again (precondition_failed)"
		}
		fmt.Fprintf(w, "Not activated: %s\n", msg)
	case session.ResultNeedsPassword:
		fmt.Fprintln(w, "Waiting: the certificate's install needs its password (dpgcerts sync --passwords FILE).")
	default:
		code := ""
		if out.Operation != nil {
			code = out.Operation.ErrorCode
		}
		fmt.Fprintf(w, "Pending: the portal could not be reached (%s); dpgcerts sync will send it.\n", code)
	}
}

// certName names a certificate in a line of output.
func certName(f *session.CertFacts) string {
	switch {
	case f == nil:
		return "none"
	case f.CommonName == "":
		return f.ID
	}
	return fmt.Sprintf("%s (expires %s, sha1 %s)", f.CommonName, f.NotAfter.Format("2006-01-02"), f.SHA1)
}

// exitOf is the exit status of an activation's outcome.
func exitOf(out session.Activation) int {
	switch out.Result {
	case session.ResultFailed:
		return ExitFailed
	case session.ResultPending:
		return ExitPending
	case session.ResultNeedsPassword:
		return ExitNeedsPassword
	}
	return ExitOK
}

// findIntegration finds an integration among ins (not empty) by id, name
// or (unique) kind.
func findIntegration(ins []session.IntegrationView, want string) (session.IntegrationView, error) {
	for _, in := range ins {
		if in.ID == want {
			return in, nil
		}
	}
	var byName, byKind []session.IntegrationView
	for _, in := range ins {
		if strings.EqualFold(in.Name, want) {
			byName = append(byName, in)
		}
		if in.Kind == want {
			byKind = append(byKind, in)
		}
	}
	switch {
	case len(byName) == 1:
		return byName[0], nil
	case len(byKind) == 1:
		return byKind[0], nil
	case len(byKind) > 1:
		var ids []string
		for _, in := range byKind {
			ids = append(ids, in.ID+" ("+in.Name+")")
		}
		return session.IntegrationView{}, errs.Newf(errs.AmbiguousIntegration, "there are %d %s integrations; give one id: %s", len(byKind), want, strings.Join(ids, ", "))
	}
	return session.IntegrationView{}, errs.Newf(errs.NotFound, "no integration %q; the kinds are exchange_online, digital_post, mit_dk, secure_mail", want)
}

func runExportCer(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("dpgcerts export-cer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	certificate := fs.String("certificate", "", "the certificate's `SHA256` thumbprint (or a unique prefix of at least 8 hex digits)")
	outPath := fs.String("o", "", "the `FILE` to write (default: the certificate's name with .cer, in the current folder)")
	portalURL := fs.String("portal", "", "the portal `URL` whose offline copy to read (default: the last one used)")
	dbPath := fs.String("db", "", "the app's database `FILE` (default: dpgcerts/dpgcerts.db in the user's config dir)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts export-cer --certificate SHA256 [-o FILE] [--portal URL] [--db FILE]")
		fmt.Fprintln(stderr, "\nWrites the public certificate (.cer, DER) to upload to the Entra app registration: from a\n"+
			"file on this computer that the app knows, else from DPG's record in the offline copy. No\n"+
			"sign-in is needed. Exit status: 0 written, 1 failed (no such certificate, or it can't be written),\n"+
			"2 wrong usage.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	thumb := session.Thumbprint(*certificate)
	if len(thumb) < 8 || !session.IsHex(thumb) {
		return usageError(fs, "--certificate must be a SHA-256 thumbprint in hex")
	}
	rt, err := config.FromEnv(getenv)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	st, err := rt.OpenStore(*dbPath)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts export-cer: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	ses := session.New(session.Options{Store: st, Runtime: rt, Log: stderr})
	if *portalURL != "" {
		if err := ses.UsePortal(*portalURL); badAddress(err) {
			return usageError(fs, "--portal: %s", errMessage(err))
		} else if err != nil {
			fmt.Fprintf(stderr, "dpgcerts export-cer: %s\n", errMessage(err))
			return ExitFailed
		}
	}
	name, der, err := ses.PublicCertificate(context.Background(), session.Ref{SHA256: thumb})
	switch errs.Code(err) {
	case "":
	case errs.AmbiguousThumbprint, errs.InvalidThumbprint:
		return usageError(fs, "--certificate: %s", errMessage(err))
	default:
		fmt.Fprintf(stderr, "dpgcerts export-cer: %s\n", errMessage(err))
		return ExitFailed
	}
	path := *outPath
	if path == "" {
		path = name
	}
	if err := report.WriteFile(path, der); err != nil {
		fmt.Fprintf(stderr, "dpgcerts export-cer: %s (%s)\n", err, errs.WriteFailed)
		return ExitFailed
	}
	fmt.Fprintf(stdout, "Wrote %s (%d bytes). Upload it to the Entra app registration.\n", path, len(der))
	return ExitOK
}
