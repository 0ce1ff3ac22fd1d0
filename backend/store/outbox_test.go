package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
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
	const portal = "http://127.0.0.1:8787"
	file := []byte("the .p12 as it came")
	ops, dup, err := s.AddOps(ctx, []Op{
		{Portal: portal, Kind: OpInstall, Key: "k1", Filename: "a.p12", FileSHA256: "aa", PKCS12: file, PasswordIn: PasswordMemory},
		{Portal: portal, Kind: OpInstall, Key: "k2", Filename: "a-again.p12", FileSHA256: "aa", PKCS12: file},
		{Portal: portal, Kind: OpInstall, Key: "k3", Filename: "big.p12", FileSHA256: "bb", PKCS12: file, State: OpFailed, ErrorCode: "payload_too_large"},
		{Portal: portal, Kind: OpActivate, Key: "k4", IntegrationID: "i1", CertificateID: "c1", IfMatch: "v1"},
		{Portal: "https://other", Kind: OpInstall, Key: "k5", FileSHA256: "aa", PKCS12: file},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 5 || dup[0] || !dup[1] || ops[1].ID != ops[0].ID || dup[2] || dup[4] {
		t.Fatalf("ops %+v, duplicates %v", ops, dup)
	}
	if ops[0].State != OpPending || ops[2].State != OpFailed || ops[2].FinishedAt.IsZero() {
		t.Fatalf("states: %+v", ops)
	}
	if _, _, err := s.AddOps(ctx, []Op{{Portal: portal, Kind: OpInstall, Key: "k1", FileSHA256: "cc"}}); err == nil {
		t.Fatal("a key was used twice")
	}
	if _, _, err := s.AddOps(ctx, []Op{{Portal: portal, Kind: OpInstall}}); err == nil {
		t.Fatal("an operation without a key was added")
	}
	if got, _ := s.OpFile(ctx, ops[0].ID); !bytes.Equal(got, file) {
		t.Fatalf("file %q", got)
	}
	if got, _ := s.OpFile(ctx, ops[2].ID); got != nil {
		t.Fatal("a refused install kept its file")
	}

	pending, err := s.Ops(ctx, OpFilter{Portal: portal, States: []OpState{OpPending}})
	if err != nil || len(pending) != 2 || pending[0].Kind != OpInstall || pending[1].Kind != OpActivate {
		t.Fatalf("pending: %+v, %v", pending, err)
	}
	if installs, _ := s.Ops(ctx, OpFilter{Portal: portal, Kind: OpInstall, IDs: []int64{ops[0].ID, ops[2].ID}}); len(installs) != 2 {
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
	o.State, o.ResultID, o.Created = OpDone, "cert-1", true
	if err := s.UpdateOp(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OpFile(ctx, o.ID); got != nil {
		t.Fatal("an ended install kept its file")
	}
	done, _ := s.Op(ctx, o.ID)
	if done.State != OpDone || done.ResultID != "cert-1" || !done.Created || done.FinishedAt.IsZero() {
		t.Fatalf("done: %+v", done)
	}
	// Now the same file may be installed again (a new intent).
	if _, dup, _ := s.AddOps(ctx, []Op{{Portal: portal, Kind: OpInstall, Key: "k6", FileSHA256: "aa", PKCS12: file}}); dup[0] {
		t.Fatal("an ended install blocked a new one")
	}

	counts, err := s.OpCounts(ctx, portal)
	if err != nil || counts[OpPending] != 2 || counts[OpDone] != 1 || counts[OpFailed] != 1 {
		t.Fatalf("counts %v, %v", counts, err)
	}
	if err := s.DeleteOp(ctx, pending[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Op(ctx, pending[1].ID); err != nil {
		t.Fatal("an active operation was deleted")
	}
	s.DeleteOp(ctx, o.ID)
	if _, err := s.Op(ctx, o.ID); !errors.Is(err, ErrNoOp) {
		t.Fatalf("dismissed: %v", err)
	}
	if err := s.UpdateOp(ctx, &Op{ID: 999, State: OpDone}); !errors.Is(err, ErrNoOp) {
		t.Fatalf("update of nothing: %v", err)
	}
}

func TestPortalCache(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const portal = "http://127.0.0.1:8787"
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

	if ps, err := s.PortalSyncState(ctx, portal); err != nil || !ps.CertificatesAt.IsZero() {
		t.Fatalf("never synced: %+v, %v", ps, err)
	}
	if me, err := s.PortalMe(ctx, portal); me != nil || err != nil {
		t.Fatalf("me before sync: %s, %v", me, err)
	}
	if err := s.SetPortalMe(ctx, portal, []byte(`{"user":{}}`), at); err != nil {
		t.Fatal(err)
	}
	certs := []CachedCertificate{
		{ID: "c2", SHA256: "22", Data: []byte(`{"id":"c2"}`), Usages: []CachedUsage{{CertificateID: "c2", IntegrationID: "i1", Kind: "exchange_online", Name: "x"}}},
		{ID: "c1", SHA256: "11", Data: []byte(`{"id":"c1"}`)},
	}
	if err := s.ReplacePortalCertificates(ctx, portal, certs, at); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPortalCertificate(ctx, portal, CachedCertificate{ID: "c3", SHA256: "33", Data: []byte(`{"id":"c3"}`)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.PortalCertificates(ctx, portal)
	if err != nil || len(got) != 3 || got[0].ID != "c2" || got[2].ID != "c3" || len(got[0].Usages) != 1 {
		t.Fatalf("certificates: %+v, %v", got, err)
	}
	// A complete list replaces everything, usages too.
	if err := s.ReplacePortalCertificates(ctx, portal, certs[1:], at); err != nil {
		t.Fatal(err)
	}
	if us, _ := s.PortalUsages(ctx, portal); len(us) != 0 {
		t.Fatalf("usages of a removed certificate: %+v", us)
	}

	if err := s.ReplacePortalIntegrations(ctx, portal, []CachedRecord{{ID: "i1", Kind: "exchange_online", Data: []byte(`{"v":1}`)},
		{ID: "i2", Kind: "digital_post", Data: []byte(`{}`)}}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPortalIntegration(ctx, portal, CachedRecord{ID: "i1", Kind: "exchange_online", Data: []byte(`{"v":2}`)}); err != nil {
		t.Fatal(err)
	}
	ins, _ := s.PortalIntegrations(ctx, portal)
	if len(ins) != 2 || ins[0].ID != "i1" || string(ins[0].Data) != `{"v":2}` {
		t.Fatalf("integrations: %+v", ins)
	}

	page1 := []CachedRecord{{ID: "1", CertificateID: "c1", Data: []byte(`1`)}, {ID: "2", IntegrationID: "i1", Data: []byte(`2`)}}
	page2 := []CachedRecord{{ID: "2", IntegrationID: "i1", Data: []byte(`2`)}, {ID: "3", CertificateID: "c1", Data: []byte(`3`)}}
	if err := s.AddPortalEvents(ctx, portal, page1, "2", at); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPortalEvents(ctx, portal, page2, "3", at); err != nil {
		t.Fatal(err)
	}
	all, _ := s.PortalEvents(ctx, EventFilter{Portal: portal})
	if len(all) != 3 || all[0].ID != "1" || all[2].ID != "3" {
		t.Fatalf("events: %+v", all)
	}
	byCert, _ := s.PortalEvents(ctx, EventFilter{Portal: portal, CertificateID: "c1"})
	newest, _ := s.PortalEvents(ctx, EventFilter{Portal: portal, Limit: 2})
	if len(byCert) != 2 || len(newest) != 2 || newest[0].ID != "2" || newest[1].ID != "3" {
		t.Fatalf("by certificate %+v, newest %+v", byCert, newest)
	}
	if err := s.SetPortalSyncResult(ctx, portal, "network", at); err != nil {
		t.Fatal(err)
	}
	ps, _ := s.PortalSyncState(ctx, portal)
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
	if p, err := s.LastSyncedPortal(ctx); p != portal || err != nil {
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
	ops, _, err := s.AddOps(ctx, []Op{{Portal: "http://127.0.0.1:8787", Kind: OpInstall, Key: "k1", FileSHA256: "aa", PKCS12: []byte("p12")}})
	if err != nil {
		t.Fatal(err)
	}
	stale := ops[0]
	done := stale
	done.State = OpDone
	if err := s.UpdateOp(ctx, &done); err != nil {
		t.Fatal(err)
	}
	stale.PasswordIn = PasswordKeychain
	if err := s.UpdateOp(ctx, &stale); !errors.Is(err, ErrNoOp) {
		t.Fatalf("reopening an ended operation: %v, want ErrNoOp", err)
	}
	// Ended to ended is fine: forgetting where its password was.
	done.PasswordIn = PasswordNowhere
	if err := s.UpdateOp(ctx, &done); err != nil {
		t.Fatalf("updating an ended operation: %v", err)
	}
	got, err := s.Op(ctx, ops[0].ID)
	if err != nil || got.State != OpDone {
		t.Fatalf("state %q, %v", got.State, err)
	}
}
