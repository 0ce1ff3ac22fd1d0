package portal

import (
	"context"
	"time"
)

// Reads of the offline copy of the portal's records, which refresh.go and
// the answers of sends keep up to date. Each read also says when its part
// of the copy was synced (zero: never).

// Me returns the offline copy of GET /me (nil before the first sync) and
// when it was synced.
func (s *Service) Me(ctx context.Context) (*Me, time.Time, error) {
	me, at, err := readCopy(ctx, s, s.st.PortalMe, func(ps SyncState) time.Time { return ps.MeAt })
	if me == nil {
		at = time.Time{}
	}
	return me, at, err
}

// Certificates returns the offline copy of GET /certificates (with their
// usages) and when it was synced.
func (s *Service) Certificates(ctx context.Context) ([]Certificate, time.Time, error) {
	return readCopy(ctx, s, s.st.PortalCertificates, func(ps SyncState) time.Time { return ps.CertificatesAt })
}

// Integrations returns the offline copy of GET /integrations and when it
// was synced.
func (s *Service) Integrations(ctx context.Context) ([]Integration, time.Time, error) {
	return readCopy(ctx, s, s.st.PortalIntegrations, func(ps SyncState) time.Time { return ps.IntegrationsAt })
}

// Events returns the offline audit trail, oldest first, and when it was
// synced.
func (s *Service) Events(ctx context.Context, q EventQuery) ([]Event, time.Time, error) {
	read := func(ctx context.Context, portal string) ([]Event, error) { return s.st.PortalEvents(ctx, portal, q) }
	return readCopy(ctx, s, read, func(ps SyncState) time.Time { return ps.EventsAt })
}

// readCopy reads a part of the offline copy and when that part was synced.
func readCopy[T any](ctx context.Context, s *Service, read func(context.Context, string) (T, error),
	syncedAt func(SyncState) time.Time) (T, time.Time, error) {
	v, err := read(ctx, s.portal)
	if err != nil {
		var zero T
		return zero, time.Time{}, err
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	return v, syncedAt(ps), err
}
