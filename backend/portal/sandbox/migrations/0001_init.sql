-- The sandbox portal's own database. Times are RFC 3339 UTC text with
-- nanoseconds. It keeps public facts only: never a token (only its SHA-256),
-- a password, a private key or the uploaded file.

CREATE TABLE organizations (
    id   INTEGER PRIMARY KEY,
    cvr  TEXT NOT NULL,
    name TEXT NOT NULL
);

-- status: registered, not_registered, migration_required.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    email            TEXT NOT NULL,
    name             TEXT NOT NULL,
    token_sha256     TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL
);

CREATE TABLE certificates (
    id               TEXT PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    sha256           TEXT NOT NULL,
    sha1             TEXT NOT NULL,
    subject          TEXT NOT NULL,
    common_name      TEXT NOT NULL,
    email            TEXT NOT NULL,
    cvr              TEXT NOT NULL,
    uuid             TEXT NOT NULL,
    not_before       TEXT NOT NULL,
    not_after        TEXT NOT NULL,
    -- The upload had a private key matching the certificate. The key itself
    -- is not kept: the sandbox never uses it.
    has_private_key  INTEGER NOT NULL,
    filename         TEXT NOT NULL,
    installed_at     TEXT NOT NULL,
    installed_by     TEXT NOT NULL,
    UNIQUE (organization_id, sha256)
);

CREATE TABLE integrations (
    id                     TEXT PRIMARY KEY,
    organization_id        INTEGER NOT NULL REFERENCES organizations (id),
    kind                   TEXT NOT NULL,
    name                   TEXT NOT NULL,
    position               INTEGER NOT NULL,
    -- Bumped by every change; the API shows it as the opaque "version".
    revision               INTEGER NOT NULL DEFAULT 1,
    active_certificate_id  TEXT REFERENCES certificates (id),
    activated_at           TEXT,
    activated_by           TEXT
);

-- The audit trail; seq is the cursor.
CREATE TABLE events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    at               TEXT NOT NULL,
    actor            TEXT NOT NULL,
    action           TEXT NOT NULL,
    certificate_id   TEXT,
    integration_id   TEXT,
    details          TEXT NOT NULL
);

-- The first answer to each idempotency key, replayed for the same key.
-- fingerprint identifies the request (method, path and the body without the
-- password: the file's SHA-256 stands for the file), so a key reused for a
-- different request is refused.
CREATE TABLE idempotency (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
