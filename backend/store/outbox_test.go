package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"dpgcerts/backend/portal"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const addr = "http://127.0.0.1:8787"
	file := []byte("the .p12 as it came")
	ops, dup, err := s.AddOps(ctx, []portal.Operation{
		{Portal: addr, Kind: portal.OpInstall, Key: "k1", Filename: "a.p12", FileSHA256: "aa", PKCS12: file, PasswordIn: portal.PasswordMemory},
		{Portal: addr, Kind: portal.OpInstall, Key: "k2", Filename: "a-again.p12", FileSHA256: "aa", PKCS12: file},
		{Portal: addr, Kind: portal.OpInstall, Key: "k3", Filename: "big.p12", FileSHA256: "bb", PKCS12: file, State: portal.StateFailed, ErrorCode: "payload_too_large"},
		{Portal: addr, Kind: portal.OpActivate, Key: "k4", IntegrationID: "i1", CertificateID: "c1", IfMatch: "v1"},
		{Portal: "https://other", Kind: portal.OpInstall, Key: "k5", FileSHA256: "aa", PKCS12: file},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 5 || dup[0] || !dup[1] || ops[1].ID != ops[0].ID || dup[2] || dup[4] {
		t.Fatalf("ops %+v, duplicates %v", ops, dup)
	}
	if ops[0].State != portal.StatePending || ops[2].State != portal.StateFailed || ops[2].FinishedAt.IsZero() {
		t.Fatalf("states: %+v", ops)
	}
	if _, _, err := s.AddOps(ctx, []portal.Operation{{Portal: addr, Kind: portal.OpInstall, Key: "k1", FileSHA256: "cc"}}); err == nil {
		t.Fatal("a key was used twice")
	}
	if _, _, err := s.AddOps(ctx, []portal.Operation{{Portal: addr, Kind: portal.OpInstall}}); err == nil {
		t.Fatal("an operation without a key was added")
	}
	if got, _ := s.OpFile(ctx, ops[0].ID); !bytes.Equal(got, file) {
		t.Fatalf("file %q", got)
	}
	if got, _ := s.OpFile(ctx, ops[2].ID); got != nil {
		t.Fatal("a refused install kept its file")
	}

	pending, err := s.Ops(ctx, portal.OpFilter{Portal: addr, States: []string{portal.StatePending}})
	if err != nil || len(pending) != 2 || pending[0].Kind != portal.OpInstall || pending[1].Kind != portal.OpActivate {
		t.Fatalf("pending: %+v, %v", pending, err)
	}
	if installs, _ := s.Ops(ctx, portal.OpFilter{Portal: addr, Kind: portal.OpInstall, IDs: []int64{ops[0].ID, ops[2].ID}}); len(installs) != 2 {
		t.Fatalf("by id: %+v", installs)
	}

	// A retry keeps the file; the end drops it.
	o := pending[0]
	o.Attempts, o.NextAttemptAt, o.ErrorCode = 1, time.Now().Add(time.Minute), "network"
	if err := s.UpdateOp(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OpFile(ctx, o.ID); !bytes.Equal(got, file) {
		t.Fatal("a retry lost the file")
	}
	again, _ := s.Op(ctx, o.ID)
	if again.Attempts != 1 || again.ErrorCode != "network" || again.NextAttemptAt.IsZero() || !again.FinishedAt.IsZero() {
		t.Fatalf("after a retry: %+v", again)
	}
	o.State, o.CertificateID, o.AlreadyInstalled = portal.StateDone, "cert-1", false
	if err := s.UpdateOp(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OpFile(ctx, o.ID); got != nil {
		t.Fatal("an ended install kept its file")
	}
	done, _ := s.Op(ctx, o.ID)
	if done.State != portal.StateDone || done.CertificateID != "cert-1" || done.AlreadyInstalled || done.FinishedAt.IsZero() {
		t.Fatalf("done: %+v", done)
	}
	// Now the same file may be installed again (a new intent).
	if _, dup, _ := s.AddOps(ctx, []portal.Operation{{Portal: addr, Kind: portal.OpInstall, Key: "k6", FileSHA256: "aa", PKCS12: file}}); dup[0] {
		t.Fatal("an ended install blocked a new one")
	}

	counts, err := s.OpCounts(ctx, addr)
	if err != nil || counts[portal.StatePending] != 2 || counts[portal.StateDone] != 1 || counts[portal.StateFailed] != 1 {
		t.Fatalf("counts %v, %v", counts, err)
	}
	if err := s.DeleteOp(ctx, pending[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Op(ctx, pending[1].ID); err != nil {
		t.Fatal("an active operation was deleted")
	}
	s.DeleteOp(ctx, o.ID)
	if _, err := s.Op(ctx, o.ID); !errors.Is(err, portal.ErrNoOp) {
		t.Fatalf("dismissed: %v", err)
	}
	if err := s.UpdateOp(ctx, &portal.Operation{ID: 999, State: portal.StateDone}); !errors.Is(err, portal.ErrNoOp) {
		t.Fatalf("update of nothing: %v", err)
	}
}

func TestPortalCache(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const addr = "http://127.0.0.1:8787"
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

	if ps, err := s.PortalSyncState(ctx, addr); err != nil || !ps.CertificatesAt.IsZero() {
		t.Fatalf("never synced: %+v, %v", ps, err)
	}
	if me, err := s.PortalMe(ctx, addr); me != nil || err != nil {
		t.Fatalf("me before sync: %s, %v", me, err)
	}
	if err := s.SetPortalMe(ctx, addr, portal.Me{User: portal.User{Email: "a@b"}}, at); err != nil {
		t.Fatal(err)
	}
	if me, err := s.PortalMe(ctx, addr); err != nil || me == nil || me.User.Email != "a@b" {
		t.Fatalf("me: %+v, %v", me, err)
	}
	certs := []portal.Certificate{
		{ID: "c2", SHA256: "22", Usages: []portal.Usage{{IntegrationID: "i1", Kind: "exchange_online", Name: "x"}}},
		{ID: "c1", SHA256: "11"},
	}
	if err := s.ReplacePortalCertificates(ctx, addr, certs, at); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPortalCertificate(ctx, addr, portal.Certificate{ID: "c3", SHA256: "33"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.PortalCertificates(ctx, addr)
	if err != nil || len(got) != 3 || got[0].ID != "c2" || got[2].ID != "c3" || len(got[0].Usages) != 1 {
		t.Fatalf("certificates: %+v, %v", got, err)
	}
	// A complete list replaces everything, usages too.
	if err := s.ReplacePortalCertificates(ctx, addr, certs[1:], at); err != nil {
		t.Fatal(err)
	}
	if us, _ := s.portalUsages(ctx, addr); len(us) != 0 {
		t.Fatalf("usages of a removed certificate: %+v", us)
	}
	if got, _ := s.PortalCertificates(ctx, addr); len(got) != 1 || got[0].Usages == nil || len(got[0].Usages) != 0 {
		t.Fatalf("a certificate without usages: %+v", got)
	}

	if err := s.ReplacePortalIntegrations(ctx, addr, []portal.Integration{{ID: "i1", Kind: "exchange_online", Version: "1"},
		{ID: "i2", Kind: "digital_post"}}, at); err != nil {
		t.Fatal(err)
	}
	prev := "c0" // only in an activation's answer: not kept
	if err := s.PutPortalIntegration(ctx, addr, portal.Integration{ID: "i1", Kind: "exchange_online", Version: "2", PreviousCertificateID: &prev}); err != nil {
		t.Fatal(err)
	}
	ins, _ := s.PortalIntegrations(ctx, addr)
	if len(ins) != 2 || ins[0].ID != "i1" || ins[0].Version != "2" || ins[0].PreviousCertificateID != nil {
		t.Fatalf("integrations: %+v", ins)
	}

	page1 := []portal.Event{{ID: "1", CertificateID: "c1"}, {ID: "2", IntegrationID: "i1"}}
	page2 := []portal.Event{{ID: "2", IntegrationID: "i1"}, {ID: "3", CertificateID: "c1"}}
	if err := s.AddPortalEvents(ctx, addr, page1, "2", at); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPortalEvents(ctx, addr, page2, "3", at); err != nil {
		t.Fatal(err)
	}
	all, _ := s.PortalEvents(ctx, addr, portal.EventQuery{})
	if len(all) != 3 || all[0].ID != "1" || all[2].ID != "3" {
		t.Fatalf("events: %+v", all)
	}
	byCert, _ := s.PortalEvents(ctx, addr, portal.EventQuery{CertificateID: "c1"})
	newest, _ := s.PortalEvents(ctx, addr, portal.EventQuery{Limit: 2})
	if len(byCert) != 2 || len(newest) != 2 || newest[0].ID != "2" || newest[1].ID != "3" {
		t.Fatalf("by certificate %+v, newest %+v", byCert, newest)
	}
	if err := s.SetPortalSyncResult(ctx, addr, "network", at); err != nil {
		t.Fatal(err)
	}
	ps, _ := s.PortalSyncState(ctx, addr)
	if ps.EventsCursor != "3" || !ps.MeAt.Equal(at) || !ps.CertificatesAt.Equal(at) || !ps.IntegrationsAt.Equal(at) ||
		!ps.EventsAt.Equal(at) || ps.LastErrorCode != "network" {
		t.Fatalf("sync state: %+v", ps)
	}
	// Another portal sees none of it.
	if other, _ := s.PortalCertificates(ctx, "https://other"); len(other) != 0 {
		t.Fatal("portals mix")
	}
	// The portal synced last; one only tried (no certificates yet) doesn't count.
	if err := s.ReplacePortalCertificates(ctx, "https://older", nil, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPortalSyncResult(ctx, "https://tried", "network", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p, err := s.LastSyncedPortal(ctx); p != addr || err != nil {
		t.Fatalf("last synced portal %q, %v", p, err)
	}
	if p, err := openTemp(t).LastSyncedPortal(ctx); p != "" || err != nil {
		t.Fatalf("never synced: %q, %v", p, err)
	}
}

// TestUpdateOpNeverReopens: a stale copy of an operation that has ended in
// the meantime can't make it active again (it would be sent a second time).
func TestUpdateOpNeverReopens(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ops, _, err := s.AddOps(ctx, []portal.Operation{{Portal: "http://127.0.0.1:8787", Kind: portal.OpInstall, Key: "k1", FileSHA256: "aa", PKCS12: []byte("p12")}})
	if err != nil {
		t.Fatal(err)
	}
	stale := ops[0]
	done := stale
	done.State = portal.StateDone
	if err := s.UpdateOp(ctx, &done); err != nil {
		t.Fatal(err)
	}
	stale.PasswordIn = portal.PasswordKeychain
	if err := s.UpdateOp(ctx, &stale); !errors.Is(err, portal.ErrNoOp) {
		t.Fatalf("reopening an ended operation: %v, want portal.ErrNoOp", err)
	}
	// Ended to ended is fine: forgetting where its password was.
	done.PasswordIn = portal.PasswordNowhere
	if err := s.UpdateOp(ctx, &done); err != nil {
		t.Fatalf("updating an ended operation: %v", err)
	}
	got, err := s.Op(ctx, ops[0].ID)
	if err != nil || got.State != portal.StateDone {
		t.Fatalf("state %q, %v", got.State, err)
	}
}
