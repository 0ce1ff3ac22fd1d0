-- Revocation checks (backend/revocation). Times are Unix nanoseconds (UTC),
-- 0 for none.

-- The last answer about each certificate, by its SHA-256 (lower-case hex),
-- so it is shared by every file holding the certificate and by the portal's
-- copy of it. Reused until next_update or for 24 hours, whichever comes
-- first; offline, shown with its age.
CREATE TABLE revocation (
    sha256         TEXT    PRIMARY KEY,
    -- good, revoked, unknown
    status         TEXT    NOT NULL,
    checked_at     INTEGER NOT NULL,
    -- ocsp, crl, or '' when no answer came
    source         TEXT    NOT NULL DEFAULT '',
    revoked_at     INTEGER NOT NULL DEFAULT 0,
    -- RFC 5280 CRLReason name: keyCompromise, cessationOfOperation...
    reason         TEXT    NOT NULL DEFAULT '',
    -- why the status is unknown
    error_code     TEXT    NOT NULL DEFAULT '',
    error_message  TEXT    NOT NULL DEFAULT '',
    next_update    INTEGER NOT NULL DEFAULT 0
);

-- Issuing CA certificates fetched from a certificate's AIA caIssuers
-- address, for files that hold no chain. Public data.
CREATE TABLE revocation_issuers (
    url         TEXT    PRIMARY KEY,
    der         BLOB    NOT NULL,
    fetched_at  INTEGER NOT NULL
);
