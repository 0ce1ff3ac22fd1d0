// Package portal is the app's side of the Customer Portal API (API.md) and
// its domain types, defined once: the portal's records (Me, Certificate,
// Integration, Event), the outbox's Operation, and the Storage they are
// kept in (backend/store is its SQLite adapter).
//
// One concern a file:
//   - types.go, operation.go: the domain types; storage.go: the Storage
//     that keeps them;
//   - client.go: the HTTP client of the API, and SignIn; errors.go: its
//     error answers and how to treat them (Classify);
//   - outbox.go: the durable outbox of installs and activations;
//   - passwords.go: the passwords of pending installs, in custody or
//     awaited;
//   - keychain.go: the OS keychain that keeps them, or none;
//   - offline.go: reads of the offline copy of the portal's records;
//   - sync.go: sending the outbox, exactly once per intent;
//   - refresh.go: refreshing the offline copy, each request retried;
//   - backoff.go: the backoff between tries;
//   - run.go: the window's background sync;
//   - pairing.go: which installed certificate a new one renews;
//   - service.go: the Service that holds them together.
//
// The reference server is in portal/sandbox. Nothing here imports Wails;
// the window and the CLI call the same Service.
package portal

import "time"

// Integration kinds.
const (
	KindExchangeOnline = "exchange_online"
	KindDigitalPost    = "digital_post"
	KindMitDK          = "mit_dk"
	KindSecureMail     = "secure_mail"
)

// Kinds lists the integration kinds in display order.
var Kinds = []string{KindExchangeOnline, KindDigitalPost, KindMitDK, KindSecureMail}

// Event actions.
const (
	ActionCertificateInstalled   = "certificate.installed"
	ActionCertificateInstallFail = "certificate.install_failed"
	ActionIntegrationActivated   = "integration.activated"
	ActionIntegrationActivateErr = "integration.activation_failed"
)

// User is the signed-in person.
type User struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Organization is the organisation the user acts for.
type Organization struct {
	CVR  string `json:"cvr"`
	Name string `json:"name"`
}

// Me is GET /me.
type Me struct {
	User         User         `json:"user"`
	Organization Organization `json:"organization"`
}

// Usage says that an integration uses a certificate.
type Usage struct {
	IntegrationID string `json:"integrationId"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
}

// Certificate is an installed certificate: public facts only.
type Certificate struct {
	ID          string    `json:"id"`
	SHA256      string    `json:"sha256"`
	SHA1        string    `json:"sha1"`
	Subject     string    `json:"subject"`
	CommonName  string    `json:"commonName"`
	Email       string    `json:"email"`
	CVR         string    `json:"cvr"`
	UUID        string    `json:"uuid"`
	NotBefore   time.Time `json:"notBefore"`
	NotAfter    time.Time `json:"notAfter"`
	InstalledAt time.Time `json:"installedAt"`
	InstalledBy string    `json:"installedBy"`
	// Certificate is the public certificate's DER (base64 in JSON), never a
	// key; empty from a portal that doesn't send it.
	Certificate []byte  `json:"certificate,omitempty"`
	Usages      []Usage `json:"usages"`
}

// Integration is one integration of the organisation's DPG solution.
type Integration struct {
	ID                  string     `json:"id"`
	Kind                string     `json:"kind"`
	Name                string     `json:"name"`
	Version             string     `json:"version"`
	ActiveCertificateID *string    `json:"activeCertificateId"`
	ActivatedAt         *time.Time `json:"activatedAt"`
	ActivatedBy         *string    `json:"activatedBy"`
	// PreviousCertificateID is only in the answer to an activation.
	PreviousCertificateID *string `json:"previousCertificateId,omitempty"`
}

// ActiveID is the active certificate's id, or "".
func (i Integration) ActiveID() string {
	if i.ActiveCertificateID == nil {
		return ""
	}
	return *i.ActiveCertificateID
}

// Event is one entry of the audit trail.
type Event struct {
	ID            string         `json:"id"`
	At            time.Time      `json:"at"`
	Actor         string         `json:"actor"`
	Action        string         `json:"action"`
	CertificateID string         `json:"certificateId,omitempty"`
	IntegrationID string         `json:"integrationId,omitempty"`
	Details       map[string]any `json:"details"`
}

// EventQuery selects events of the offline audit trail.
type EventQuery struct {
	CertificateID string `json:"certificateId,omitempty"`
	IntegrationID string `json:"integrationId,omitempty"`
	// Limit keeps the newest Limit (all when 0); they still come oldest first.
	Limit int `json:"limit,omitempty"`
}

// SyncState says when each part of a portal's offline copy was last synced
// (zero: never).
type SyncState struct {
	MeAt, CertificatesAt, IntegrationsAt, EventsAt time.Time
	// EventsCursor is where the next page of events starts.
	EventsCursor string
	// LastErrorCode is the code of the last failed refresh ("" after a good one).
	LastErrorCode string
	LastAttemptAt time.Time
}

// EventPage is GET /events.
type EventPage struct {
	Events  []Event `json:"events"`
	Next    string  `json:"next"`
	HasMore bool    `json:"hasMore"`
}

// InstallRequest is the body of POST /certificates. Password goes to the
// portal and nowhere else.
type InstallRequest struct {
	Filename string  `json:"filename"`
	PKCS12   []byte  `json:"pkcs12"` // base64 in JSON
	Password *string `json:"password"`
}

// ActivateRequest is the body of PUT /integrations/{id}/certificate.
type ActivateRequest struct {
	CertificateID string `json:"certificateId"`
}

// ErrorBody is the JSON of every error answer.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}
