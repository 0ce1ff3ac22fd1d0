package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
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
	rest, code, ok := p.parse(args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "dpgcerts sync: unexpected argument %q\n", rest[0])
		p.fs.Usage()
		return ExitUsage
	}
	ses, code := openSession("sync", p, stderr, getenv)
	if ses == nil {
		return code
	}
	defer ses.Close()
	ctx, stop := signalContext()
	defer stop()
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
	status, err := ses.svc.Status(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: %v\n", err)
		return ExitFailed
	}
	// The operations that ended in this sync, and those still waiting.
	all, err := ses.svc.Operations(ctx)
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
		}{ses.svc.Portal(), unlocked, res, status, nonNil(shown)})
	} else {
		printOps(stdout, shown)
		fmt.Fprintf(stdout, "Sent: %d done, %d failed. Waiting: %d pending, %d need a password.\n",
			res.Done, res.Failed, res.Pending, res.NeedsPassword)
		if res.RefreshError != "" {
			fmt.Fprintf(stdout, "The overview could not be refreshed (%s).\n", res.RefreshError)
		} else {
			fmt.Fprintf(stdout, "Synced %s at %s.\n", ses.svc.Portal(), status.CertificatesSyncedAt.Local().Format("2006-01-02 15:04:05"))
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
	if err := ses.svc.Cancel(ctx, id); err != nil {
		fmt.Fprintf(stderr, "dpgcerts sync: operation %d: %s\n", id, errMessage(err))
		if errors.Is(err, portal.ErrEnded) || errors.Is(err, portal.ErrNotFound) {
			return ExitUsage
		}
		return ExitFailed
	}
	o, err := ses.svc.Operation(ctx, id)
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
		"dpgcerts activate --portal URL [--db FILE] [--json] [--timeout D] --integration KIND_OR_ID --certificate SHA256",
		"Makes an integration use an installed certificate. KIND_OR_ID is an integration's id, its\n"+
			"name (e.g. the mailbox address) or its kind when only one has it: exchange_online,\n"+
			"digital_post, mit_dk, secure_mail. SHA256 is the certificate's SHA-256 thumbprint (or a\n"+
			"unique prefix of at least 8 hex digits).", stderr, false)
	integration := p.fs.String("integration", "", "the integration's `KIND_OR_ID`")
	certificate := p.fs.String("certificate", "", "the certificate's `SHA256` thumbprint")
	rest, code, ok := p.parse(args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return p.usageError("unexpected argument %q", rest[0])
	}
	if *integration == "" || *certificate == "" {
		return p.usageError("--integration and --certificate are required")
	}
	thumb := strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(*certificate))
	if len(thumb) < 8 || strings.Trim(thumb, "0123456789abcdef") != "" {
		return p.usageError("--certificate must be a SHA-256 thumbprint in hex")
	}
	ses, code := openSession("activate", p, stderr, getenv)
	if ses == nil {
		return code
	}
	defer ses.Close()
	ctx, stop := signalContext()
	defer stop()
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
	ins, _, err := ses.svc.Integrations(ctx)
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	in, err := session.FindIntegration(ins, *integration)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	certRef, cert, err := ses.ses.Certificate(ctx, thumb)
	switch {
	case errs.Code(err) == errs.NotFound:
		var e *errs.Error
		errors.As(err, &e)
		return fail(ExitFailed, "%s with dpgcerts install", e.Message)
	case err != nil && errs.Code(err) == errs.Internal:
		return fail(ExitUsage, "--certificate %v", err)
	case err != nil:
		return fail(ExitFailed, "%v", err)
	}
	if cert != nil && in.ActiveID() == cert.ID {
		if *p.asJSON {
			writeJSON(stdout, struct {
				Integration portal.Integration `json:"integration"`
				Unchanged   bool               `json:"unchanged"`
			}{in, true})
		} else {
			fmt.Fprintf(stdout, "%s (%s) already uses %s.\n", in.Kind, in.Name, cert.CommonName)
		}
		return ExitOK
	}
	op, res, err := ses.ses.ActivateRef(ctx, in.ID, certRef, in.Version, session.SendOptions{GiveUpAfter: *p.timeout})
	if code := ses.failure(ctx, err, "activate", stderr, "interrupted; the outbox keeps the activation for dpgcerts sync"); code != ExitOK {
		return code
	}
	name := func(id string) string {
		if id == "" {
			return "none"
		}
		all, _, _ := ses.svc.Certificates(ctx)
		for _, c := range all {
			if c.ID == id {
				return fmt.Sprintf("%s (expires %s, sha1 %s)", c.CommonName, c.NotAfter.Format("2006-01-02"), c.SHA1)
			}
		}
		return id
	}
	if *p.asJSON {
		writeJSON(stdout, struct {
			Operation portal.Operation  `json:"operation"`
			Sync      portal.SyncResult `json:"sync"`
		}{op, res})
	} else {
		switch op.State {
		case portal.StateDone:
			fmt.Fprintf(stdout, "Activated for %s (%s): %s\nBefore: %s\n", in.Kind, in.Name, name(op.CertificateID), name(op.PreviousCertificateID))
			if in.Kind == portal.KindExchangeOnline {
				fmt.Fprintln(stdout, "Now upload the certificate's public part (.cer) to the Entra app registration, and check that its thumbprint matches.")
			}
		case portal.StateFailed:
			msg := op.ErrorMessage + " (" + op.ErrorCode + ")"
			if op.ErrorCode == errs.PreconditionFailed {
				msg = "someone else changed the integration meanwhile; check it and run the command again (precondition_failed)"
			}
			fmt.Fprintf(stdout, "Not activated: %s\n", msg)
		case portal.StateNeedsPassword:
			fmt.Fprintln(stdout, "Waiting: the certificate's install needs its password (dpgcerts sync --passwords FILE).")
		default:
			fmt.Fprintf(stdout, "Pending: the portal could not be reached (%s); dpgcerts sync will send it.\n", op.ErrorCode)
		}
	}
	return exitFor([]portal.Operation{op}, 0)
}
