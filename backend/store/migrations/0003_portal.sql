-- The Customer Portal: the durable outbox and the offline copy of the
-- portal's records. Times are Unix nanoseconds (UTC), 0 for none. Every
-- table is keyed by the portal's address, so the sandbox and the real portal
-- never mix. No column holds a password, a token or a decrypted key: a
-- pending install keeps the file as it came, still encrypted by its
-- password, and the password waits in the OS keychain (backend/secrets).

-- One row per install or activation the user asked for. The idempotency key
-- is written with the intent, before anything is sent, and every retry
-- sends the same key.
CREATE TABLE portal_ops (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    portal           TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('install', 'activate')),
    idem_key         TEXT    NOT NULL UNIQUE,
    -- pending, needs_password, done, failed
    state            TEXT    NOT NULL,
    -- install: the file's name, the SHA-256 of its bytes, the bytes as they
    -- were (NULL once the operation has ended), and the certificate's
    -- SHA-256 when the app could read it.
    filename         TEXT    NOT NULL DEFAULT '',
    path             TEXT    NOT NULL DEFAULT '',
    file_sha256      TEXT    NOT NULL DEFAULT '',
    pkcs12           BLOB,
    cert_sha256      TEXT    NOT NULL DEFAULT '',
    -- Where the password is while the install waits: 'keychain', 'empty'
    -- (the file has none), 'memory' (only the process that took it knows
    -- it) or '' (unknown: the operation needs the password).
    password_in      TEXT    NOT NULL DEFAULT '',
    -- activate: the integration, the certificate (its id, or its SHA-256 for
    -- a certificate still being installed) and the version the user saw.
    integration_id   TEXT    NOT NULL DEFAULT '',
    certificate_id   TEXT    NOT NULL DEFAULT '',
    if_match         TEXT    NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL DEFAULT 0,
    error_code       TEXT    NOT NULL DEFAULT '',
    error_message    TEXT    NOT NULL DEFAULT '',
    -- done: the certificate's id (install) or the previous certificate's id
    -- (activate); created: 1 when the install made a new certificate.
    result_id        TEXT    NOT NULL DEFAULT '',
    created          INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    finished_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX portal_ops_state ON portal_ops (portal, state);
CREATE INDEX portal_ops_file ON portal_ops (portal, file_sha256);

-- GET /me.
CREATE TABLE portal_me (
    portal     TEXT PRIMARY KEY,
    data       TEXT NOT NULL,   -- the API's JSON
    synced_at  INTEGER NOT NULL
);

-- GET /certificates, in the portal's order; data is the API's JSON record.
CREATE TABLE portal_certificates (
    portal  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    sha256  TEXT    NOT NULL,
    ord     INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (portal, id)
);
CREATE INDEX portal_certificates_sha256 ON portal_certificates (portal, sha256);

-- The usages of each certificate (from GET /certificates), for the list's
-- badges.
CREATE TABLE portal_usages (
    portal          TEXT NOT NULL,
    certificate_id  TEXT NOT NULL,
    integration_id  TEXT NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    PRIMARY KEY (portal, certificate_id, integration_id)
);

-- GET /integrations.
CREATE TABLE portal_integrations (
    portal  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    ord     INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (portal, id)
);

-- GET /events, oldest first (seq is the local order of arrival).
CREATE TABLE portal_events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    portal          TEXT NOT NULL,
    id              TEXT NOT NULL,
    certificate_id  TEXT NOT NULL DEFAULT '',
    integration_id  TEXT NOT NULL DEFAULT '',
    data            TEXT NOT NULL,
    UNIQUE (portal, id)
);
CREATE INDEX portal_events_certificate ON portal_events (portal, certificate_id);

-- When each part was last synced, and the events cursor.
CREATE TABLE portal_sync (
    portal                   TEXT PRIMARY KEY,
    me_at                    INTEGER NOT NULL DEFAULT 0,
    certificates_at          INTEGER NOT NULL DEFAULT 0,
    integrations_at          INTEGER NOT NULL DEFAULT 0,
    events_at                INTEGER NOT NULL DEFAULT 0,
    events_cursor            TEXT    NOT NULL DEFAULT '',
    last_error_code          TEXT    NOT NULL DEFAULT '',
    last_attempt_at          INTEGER NOT NULL DEFAULT 0
);
