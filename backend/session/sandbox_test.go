package session_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

// The window's --sandbox: a pinned loopback portal, with the session's rows
// in memory and its secrets out of the keychain, so the user's cache and
// keychain stay as they were.
func TestWithSandbox(t *testing.T) {
	cache := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	rt, _ := config.FromEnv(func(string) string { return "" })
	rt.Keychain = true
	opts, stop, err := session.WithSandbox(session.Options{Store: cache, Runtime: rt})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Store == cache || opts.Runtime.Keychain || opts.Pinned == "" {
		t.Fatalf("options %+v", opts)
	}
	ses := session.New(opts)
	ctx := context.Background()
	if err := ses.SignIn(ctx, "", sandbox.TokenAdmin, true); err != nil {
		t.Fatal(err)
	}
	st, err := ses.Status(ctx)
	for deadline := time.Now().Add(5 * time.Second); err == nil && st.Organization != sandbox.OrgName && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		st, err = ses.Status(ctx)
	}
	if err != nil || !st.Sandbox || st.Portal != opts.Pinned || st.Organization != sandbox.OrgName {
		t.Fatalf("status %+v, %v", st, err)
	}
	if me, err := cache.PortalMe(ctx, st.Portal); err != nil || me != nil {
		t.Fatalf("the sandbox's records are in the user's cache: %s, %v", me, err)
	}
	ses.Stop()
	stop()
	if _, err := opts.Store.String(ctx, store.Language); err == nil {
		t.Error("stop left the sandbox's store open")
	}
	if res, err := http.Get(opts.Pinned + "/api/v1/me"); err == nil {
		res.Body.Close()
		t.Error("stop left the sandbox serving")
	}
}
