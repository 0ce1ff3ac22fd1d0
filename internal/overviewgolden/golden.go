// Package overviewgolden gives the frontend's test fake Go's overview: the
// window's store and component tests (frontend/src/test/api.ts) answer the
// list and the entries from frontend/src/test/golden/overview.golden.json,
// which Compute made from their files with overview.Build and
// overview.ListOf, not from a second implementation in TypeScript.
//
// `make golden` refreshes it: the frontend tests run once with
// OVERVIEW_GOLDEN=record (the fake asks the compute command and keeps what
// it asked in golden/pending), then `go test ./internal/overviewgolden
// -update` writes the golden file from those inputs. Without -update the
// test checks that every output in the golden file is still what Go makes.
package overviewgolden

import (
	"fmt"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
)

// Now is when the frontend tests' certificates are judged: their dates are
// written relative to it (frontend/src/test/files.ts).
var Now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// Input is what a frontend test puts behind the fake: files as the window
// receives them (certs.File), and certificates in DPG described by the
// fields of the overview's entry that a portal record holds.
type Input struct {
	Files    []certs.File     `json:"files"`
	DPG      []DPGCertificate `json:"dpg"`
	WarnDays int              `json:"warnDays"`
}

// DPGCertificate is a certificate in the portal's offline copy (the
// entry's fields that a record holds have the record's names), with its
// id and the operation on it, if any.
type DPGCertificate struct {
	portal.Certificate
	PortalID  *string             `json:"portalId"`
	Operation *overview.Operation `json:"operation"`
}

// Output is what the window would receive: the list's rows
// (Portal.List) and the entries (Portal.Entry).
type Output struct {
	Rows         []overview.Row         `json:"rows"`
	Certificates []overview.Certificate `json:"certificates"`
}

// Compute is Go's overview of in at Now.
func Compute(in Input) Output {
	var recs []portal.Certificate
	var ops []portal.Operation
	for i, d := range in.DPG {
		id := fmt.Sprintf("id-%d", i+1)
		if d.PortalID != nil {
			id = *d.PortalID
		}
		r := d.Certificate
		r.ID = id
		recs = append(recs, r)
		if o := d.Operation; o != nil {
			op := portal.Operation{ID: o.ID, Kind: o.Kind, State: o.State, ErrorCode: o.ErrorCode, CreatedAt: Now}
			if o.Kind == "install" {
				op.CertificateSHA256 = d.SHA256
			} else {
				op.CertificateID = id
			}
			ops = append(ops, op)
		}
	}
	var synced time.Time
	if len(recs) > 0 {
		synced = Now.Add(-3 * time.Hour)
	}
	ov := overview.Build(overview.Input{Files: in.Files, Certificates: recs, Operations: ops, SyncedAt: synced,
		Now: Now, WarnDays: in.WarnDays})
	return Output{Rows: overview.ListOf(ov, in.Files).Rows, Certificates: ov.Certificates}
}
