-- Exchange Online's renewal (backend/session): the certificates whose
-- registration in the Entra ID app registration the admin confirmed (by
-- the thumbprint Entra shows), so a window closed between the steps comes
-- back at the activation; and the note, per integration, to remove the old
-- certificate from the app registration once mail flows again.
CREATE TABLE entra_registrations (
    -- the certificate's SHA-256, lower-case hex
    sha256        TEXT    PRIMARY KEY,
    -- Unix nanoseconds (UTC)
    confirmed_at  INTEGER NOT NULL
);

CREATE TABLE entra_notes (
    integration_id  TEXT    PRIMARY KEY,
    -- the certificate the activation replaced: its SHA-1 (as Entra shows
    -- it), SHA-256 and name
    old_sha1        TEXT    NOT NULL,
    old_sha256      TEXT    NOT NULL,
    old_name        TEXT    NOT NULL,
    -- Unix nanoseconds (UTC) of the activation
    created_at      INTEGER NOT NULL
);
