-- The scan cache, the folders the user added and the settings.
-- Times are Unix nanoseconds (UTC). No table ever holds a password, a token
-- or a private key: those live in the OS keychain (backend/secrets).

-- One row per file the scanner has read. The cache key is (path, size,
-- mtime_ns); sha256 of the content finds a moved or touched file again.
CREATE TABLE files (
    path      TEXT    PRIMARY KEY,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    sha256    TEXT    NOT NULL,
    -- certs.File in the binary form of codec.go, without the DER (see the
    -- columns below).
    result    BLOB    NOT NULL,
    -- The primary certificate's DER, and the chain's DERs in order, each
    -- after its length as a uvarint. Public data, kept for export.
    cert_der  BLOB,
    chain_der BLOB,
    read_at   INTEGER NOT NULL
);
CREATE INDEX files_sha256 ON files (sha256);

CREATE TABLE folders (
    path     TEXT    PRIMARY KEY,
    added_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
