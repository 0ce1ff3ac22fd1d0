package portal

import (
	"context"
	"time"
)

// Storage keeps a Service's outbox and offline copy durably, for every
// portal the app has used (each call names one). backend/store is its
// SQLite adapter. The domain types are defined here, once; the adapter
// maps them to its tables, so portal doesn't import store (store imports
// portal, as benbjohnson/wtf's sqlite package imports wtf).
type Storage interface {
	OutboxStore
	CopyStore
}

// OutboxStore keeps the outbox: the operations, and an install's file until
// it ends. Writes are guarded, so several processes can share one outbox.
type OutboxStore interface {
	// AddOps records the user's intents in one transaction, each with its
	// idempotency key. An intent that repeats an active operation (the same
	// file, or the same activation, on the same portal) is not added again:
	// the existing operation comes back in its place, with duplicate set.
	AddOps(ctx context.Context, ops []Operation) (out []Operation, duplicate []bool, err error)
	// Ops lists operations, oldest first, without their files.
	Ops(ctx context.Context, f OpFilter) ([]Operation, error)
	// Op returns one operation without its file (ErrNoOp).
	Op(ctx context.Context, id int64) (Operation, error)
	// OpFile returns the file kept for an install (nil once it ended).
	OpFile(ctx context.Context, id int64) ([]byte, error)
	// UpdateOpWith applies change to o and writes it over the version o was
	// read at; when o is stale it reloads it and applies change again.
	// change says false when there is nothing to write any more. An
	// operation that has ended gives ErrOpEnded.
	UpdateOpWith(ctx context.Context, o *Operation, change func(*Operation) bool) error
	// CancelOp ends an active operation at the user's request, winning over
	// a send in flight, and returns it as it was just before (ErrOpEnded,
	// ErrNoOp).
	CancelOp(ctx context.Context, id int64) (Operation, error)
	// ForgetOpPassword notes that an ended install's password is gone from
	// wherever it was kept.
	ForgetOpPassword(ctx context.Context, id int64) error
	// DeleteOp removes an operation that has ended.
	DeleteOp(ctx context.Context, id int64) error
	// OpCounts counts a portal's operations by state.
	OpCounts(ctx context.Context, portal string) (map[string]int, error)
}

// CopyStore keeps the offline copy of a portal's records and when each
// part was synced.
type CopyStore interface {
	SetPortalMe(ctx context.Context, portal string, me Me, at time.Time) error
	// PortalMe is nil before the first sync.
	PortalMe(ctx context.Context, portal string) (*Me, error)
	// ReplacePortalCertificates replaces the copy with a complete list, the
	// usages included.
	ReplacePortalCertificates(ctx context.Context, portal string, list []Certificate, at time.Time) error
	// PutPortalCertificate adds or replaces one (an install's answer).
	PutPortalCertificate(ctx context.Context, portal string, c Certificate) error
	PortalCertificates(ctx context.Context, portal string) ([]Certificate, error)
	ReplacePortalIntegrations(ctx context.Context, portal string, list []Integration, at time.Time) error
	// PutPortalIntegration replaces one (an activation's answer).
	PutPortalIntegration(ctx context.Context, portal string, in Integration) error
	PortalIntegrations(ctx context.Context, portal string) ([]Integration, error)
	// AddPortalEvents appends a page of the audit trail and moves the
	// cursor, in one transaction.
	AddPortalEvents(ctx context.Context, portal string, events []Event, cursor string, at time.Time) error
	// PortalEvents returns the kept events, oldest first.
	PortalEvents(ctx context.Context, portal string, q EventQuery) ([]Event, error)
	PortalSyncState(ctx context.Context, portal string) (SyncState, error)
	// SetPortalSyncResult records a refresh and its error code ("" for success).
	SetPortalSyncResult(ctx context.Context, portal, errorCode string, at time.Time) error
}
