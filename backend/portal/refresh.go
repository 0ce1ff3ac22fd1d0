package portal

import (
	"context"
	"time"

	"dpgcerts/backend/errs"
)

// Refreshing the offline copy from the portal, each GET retried on its own.

// DefaultRefreshPatience is how long Refresh keeps retrying one request
// that fails for a transient reason before it gives up.
const DefaultRefreshPatience = 20 * time.Second

// refreshBackoff caps the wait between tries of one GET: every request of
// a refresh is idempotent, and a refresh is what the user waits for.
const refreshBackoff = 2 * time.Second

// Refresh replaces the offline copy with the portal's records: /me, the
// certificates with their usages, the integrations, and the events since
// the last cursor. Each request is retried on its own after a transient
// failure, for up to Options.RefreshPatience, and what has been fetched is kept: a
// failure late in the refresh doesn't start it over, and the events go on
// from the last page read.
func (s *Service) Refresh(ctx context.Context) error {
	return s.refresh(ctx, s.opts.RefreshPatience)
}

// refresh is Refresh with patience for each request.
func (s *Service) refresh(ctx context.Context, patience time.Duration) (err error) {
	c := s.getClient()
	if c == nil {
		return ErrNoToken
	}
	defer func() {
		code := ""
		if err != nil {
			code = errs.Code(err)
		}
		if e := s.st.SetPortalSyncResult(context.WithoutCancel(ctx), s.portal, code, time.Now()); e != nil && err == nil {
			err = e
		}
	}()
	me, err := retryGet(ctx, s, patience, func() (Me, error) { return c.Me(ctx) })
	if err != nil {
		return err
	}
	if err := s.st.SetPortalMe(ctx, s.portal, me, time.Now()); err != nil {
		return err
	}
	list, err := retryGet(ctx, s, patience, func() ([]Certificate, error) { return c.Certificates(ctx) })
	if err != nil {
		return err
	}
	if err := s.st.ReplacePortalCertificates(ctx, s.portal, list, time.Now()); err != nil {
		return err
	}
	ins, err := retryGet(ctx, s, patience, func() ([]Integration, error) { return c.Integrations(ctx) })
	if err != nil {
		return err
	}
	if err := s.st.ReplacePortalIntegrations(ctx, s.portal, ins, time.Now()); err != nil {
		return err
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	if err != nil {
		return err
	}
	cursor := ps.EventsCursor
	for range 1000 {
		page, err := retryGet(ctx, s, patience, func() (EventPage, error) { return c.Events(ctx, cursor, 500) })
		if err != nil {
			return err
		}
		if page.Next != "" {
			cursor = page.Next
		}
		if err := s.st.AddPortalEvents(ctx, s.portal, page.Events, cursor, time.Now()); err != nil {
			return err
		}
		if !page.HasMore || len(page.Events) == 0 {
			break
		}
	}
	return nil
}
