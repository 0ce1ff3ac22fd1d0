package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/store/storetest"
)

// The window's --sandbox keeps its session (offline copy, outbox) out of
// the user's cache: a random loopback portal's rows would be orphaned there.
func TestSandboxModeLeavesTheCacheAlone(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dpgcerts.db")
	s := newTestServices(t, Options{Sandbox: true, DBPath: db})
	s.Startup(context.Background())
	st, err := s.Portal.Status()
	if err != nil || !st.Sandbox {
		t.Fatalf("status: %+v, %v", st, err)
	}
	if _, err := s.Portal.SignIn("", sandbox.TokenAdmin, true); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); st.Organization != sandbox.OrgName && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		st, _ = s.Portal.Status()
	}
	if st.Organization != sandbox.OrgName {
		t.Fatalf("not synced: %+v", st)
	}
	cache := storetest.Open(t, db)
	if me, err := cache.PortalMe(context.Background(), st.Portal); err != nil || me != nil {
		t.Fatalf("the sandbox's records are in the user's cache: %s, %v", me, err)
	}
}
