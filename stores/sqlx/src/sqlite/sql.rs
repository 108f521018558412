//! The SQL of [`SqliteStore`](super::SqliteStore), beside the code that
//! runs it: first the statements it runs as PostgreSQL does (their
//! parameters are noted on [`Dialect`]), then its own, with their
//! parameters `?1`, `?2`, ... noted on each constant.

mod status;

use crate::dialect::Dialect;
use sqlx::sqlite::SqliteQueryResult;

impl Dialect for sqlx::Sqlite {
    const MIGRATIONS_TABLE: &'static str = "
CREATE TABLE IF NOT EXISTS tower_revoke_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  INTEGER NOT NULL
)";

    const MIGRATED_VERSION: &'static str =
        "SELECT COALESCE(MAX(version), 0) FROM tower_revoke_migrations";

    const RECORD_MIGRATION: &'static str =
    "INSERT INTO tower_revoke_migrations (version, description, applied_at) VALUES (?1, ?2, ?3)";

    const CLIENT: &'static str = "
SELECT secret_digest, jwks IS NOT NULL OR jwks_uri IS NOT NULL
FROM tower_revoke_clients WHERE client_id = ?1";

    const CLIENT_KEYS: &'static str =
        "SELECT jwks, jwks_uri FROM tower_revoke_clients WHERE client_id = ?1";

    const INTROSPECT: &'static str = "
SELECT t.client_id, t.kind, t.subject, t.scope, t.expires_at
FROM tower_revoke_tokens t
LEFT JOIN tower_revoke_grants g ON g.client_id = t.client_id AND g.grant_id = t.grant_id
WHERE t.digest = ?1 AND t.revoked_at IS NULL AND g.revoked_at IS NULL
  AND (t.expires_at IS NULL OR t.expires_at > ?2) AND t.rotated_at IS NULL";

    const DENY_JWT: &'static str = "
INSERT INTO tower_revoke_denied_jtis (issuer, jti, denied_until) VALUES (?1, ?2, ?3)
ON CONFLICT (issuer, jti) DO UPDATE SET denied_until = excluded.denied_until
WHERE tower_revoke_denied_jtis.denied_until <= ?4";

    const JWT_DENIED: &'static str = "
SELECT EXISTS (
    SELECT 1 FROM tower_revoke_denied_jtis
    WHERE issuer = ?1 AND jti = ?2 AND denied_until > ?5
) OR EXISTS (
    SELECT 1 FROM tower_revoke_subject_cutoffs
    WHERE issuer = ?1 AND subject = ?3 AND revoked_through >= ?4
)";

    const DENY_SUBJECT_JWTS: &'static str = "
INSERT INTO tower_revoke_subject_cutoffs (issuer, subject, revoked_through) VALUES (?1, ?2, ?3)
ON CONFLICT (issuer, subject) DO UPDATE SET revoked_through = excluded.revoked_through
WHERE tower_revoke_subject_cutoffs.revoked_through < excluded.revoked_through";

    const PURGE_TOKENS: &'static str = "
DELETE FROM tower_revoke_tokens WHERE rowid IN (
    SELECT rowid FROM tower_revoke_tokens WHERE expires_at <= ?1 LIMIT ?2)";

    const PURGE_DENIED_JWTS: &'static str = "
DELETE FROM tower_revoke_denied_jtis WHERE rowid IN (
    SELECT rowid FROM tower_revoke_denied_jtis WHERE denied_until <= ?1 LIMIT ?2)";

    const PURGE_GRANTS: &'static str = "
DELETE FROM tower_revoke_grants WHERE rowid IN (
    SELECT g.rowid FROM tower_revoke_grants g
    WHERE NOT EXISTS (
        SELECT 1 FROM tower_revoke_tokens t
        WHERE t.client_id = g.client_id AND t.grant_id = g.grant_id)
    LIMIT ?1)";

    const PURGE_ASSERTIONS: &'static str = "
DELETE FROM tower_revoke_assertions WHERE rowid IN (
    SELECT rowid FROM tower_revoke_assertions WHERE expires_at <= ?1
    ORDER BY expires_at LIMIT ?2)";

    const SCHEMA: [&'static str; 8] = [
        SCHEMA_V1,
        SCHEMA_V2,
        SCHEMA_V3,
        SCHEMA_V4,
        SCHEMA_V5,
        status::SCHEMA_V6,
        SCHEMA_V7,
        SCHEMA_V8,
    ];

    const REGISTER_CLIENT: &'static str = "
INSERT INTO tower_revoke_clients (client_id, secret_digest, jwks, jwks_uri)
VALUES (?1, ?2, ?3, ?4)
ON CONFLICT DO NOTHING";

    fn rows_affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}

/// Version 1: the three tables and their indexes (see the crate docs).
const SCHEMA_V1: &str = "
CREATE TABLE tower_revoke_clients (
    client_id     TEXT PRIMARY KEY NOT NULL,
    secret_digest BLOB CHECK (length(secret_digest) = 32)
);
CREATE TABLE tower_revoke_grants (
    client_id  TEXT NOT NULL REFERENCES tower_revoke_clients (client_id),
    grant_id   TEXT NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (client_id, grant_id)
);
CREATE TABLE tower_revoke_tokens (
    digest     BLOB PRIMARY KEY NOT NULL CHECK (length(digest) = 32),
    kind       TEXT NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
    client_id  TEXT NOT NULL REFERENCES tower_revoke_clients (client_id),
    grant_id   TEXT,
    subject    TEXT,
    labels     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
    expires_at INTEGER,
    revocable  INTEGER NOT NULL DEFAULT 1,
    revoked_at INTEGER,
    FOREIGN KEY (client_id, grant_id) REFERENCES tower_revoke_grants (client_id, grant_id)
);
CREATE INDEX tower_revoke_tokens_grant ON tower_revoke_tokens (client_id, grant_id)
    WHERE grant_id IS NOT NULL;
CREATE INDEX tower_revoke_tokens_subject ON tower_revoke_tokens (subject)
    WHERE subject IS NOT NULL;
CREATE INDEX tower_revoke_tokens_expiry ON tower_revoke_tokens (expires_at)
    WHERE expires_at IS NOT NULL;
";

/// Version 2: the JWT deny-list (see the crate docs).
const SCHEMA_V2: &str = "
CREATE TABLE tower_revoke_denied_jtis (
    issuer       TEXT NOT NULL,
    jti          TEXT NOT NULL,
    denied_until INTEGER NOT NULL,
    PRIMARY KEY (issuer, jti)
);
CREATE INDEX tower_revoke_denied_jtis_until ON tower_revoke_denied_jtis (denied_until);
CREATE TABLE tower_revoke_subject_cutoffs (
    issuer          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    revoked_through INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
";

/// Version 3: when a refresh token was rotated, in Unix milliseconds
/// (`NULL`: never). Existing rows are tokens never rotated.
const SCHEMA_V3: &str = "
ALTER TABLE tower_revoke_tokens ADD COLUMN rotated_at INTEGER;
";

/// Version 4: the scope a token was granted (RFC 6749 §3.3; `NULL`: none
/// recorded), which introspection reports. Existing rows have none.
const SCHEMA_V4: &str = "
ALTER TABLE tower_revoke_tokens ADD COLUMN scope TEXT;
";

/// Version 5: `private_key_jwt` (RFC 7523 §2.2, §3). The public keys a
/// client registered (RFC 7591 §2 `jwks`, as the JSON text registered, or
/// `jwks_uri`; never both: the check on `jwks_uri` reads both columns),
/// and the used client assertions, each filed under its SHA-256 digest of
/// client id and `jti` (never the `jti`) until it expires. Existing
/// clients have no keys.
const SCHEMA_V5: &str = "
ALTER TABLE tower_revoke_clients ADD COLUMN jwks TEXT;
ALTER TABLE tower_revoke_clients ADD COLUMN jwks_uri TEXT
    CHECK (jwks IS NULL OR jwks_uri IS NULL);
CREATE TABLE tower_revoke_assertions (
    digest     BLOB PRIMARY KEY NOT NULL CHECK (length(digest) = 32),
    expires_at INTEGER NOT NULL
);
CREATE INDEX tower_revoke_assertions_expiry ON tower_revoke_assertions (expires_at);
";

/// Version 7: nothing. PostgreSQL's version 7 is its batched revocation
/// function; SQLite runs a batch's revocations in its own transaction.
const SCHEMA_V7: &str = "SELECT 1";

/// Version 8: nothing. PostgreSQL's version 8 sends a batch's notices
/// together; SQLite sends none.
const SCHEMA_V8: &str = "SELECT 1";

/// `?1` client id, `?2` grant id.
pub(super) const INSERT_GRANT: &str =
    "INSERT INTO tower_revoke_grants (client_id, grant_id) VALUES (?1, ?2)
     ON CONFLICT DO NOTHING";

/// `?1` digest, `?2` kind, `?3` client id, `?4` grant id, `?5` subject,
/// `?6` scope, `?7` labels (JSON), `?8` expiry, `?9` revocable.
pub(super) const INSERT_TOKEN: &str = "
INSERT INTO tower_revoke_tokens
    (digest, kind, client_id, grant_id, subject, scope, labels, expires_at, revocable)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT DO NOTHING";

/// The facts the decision needs (a rotated token counts as expired).
/// `?1` digest, `?2` the asking client's id, `?3` now.
pub(super) const FIND: &str = "
SELECT t.kind, t.client_id = ?2, t.revocable,
       t.revoked_at IS NULL AND g.revoked_at IS NULL,
       (t.expires_at IS NULL OR t.expires_at > ?3) AND t.rotated_at IS NULL,
       t.client_id, t.grant_id
FROM tower_revoke_tokens t
LEFT JOIN tower_revoke_grants g ON g.client_id = t.client_id AND g.grant_id = t.grant_id
WHERE t.digest = ?1";

/// `?1` digest, `?2` now.
pub(super) const REVOKE_TOKEN: &str =
    "UPDATE tower_revoke_tokens SET revoked_at = ?2 WHERE digest = ?1 AND revoked_at IS NULL";

/// `?1` client id, `?2` grant id, `?3` now.
pub(super) const REVOKE_GRANT: &str = "
UPDATE tower_revoke_grants SET revoked_at = ?3
WHERE client_id = ?1 AND grant_id = ?2 AND revoked_at IS NULL";

/// The tokens a grant being ended held that were active: neither revoked
/// nor expired, and not rotated unless `?5`. `?1` client id, `?2` grant id,
/// `?3` now, `?4` a digest not to count (the revoked token's; `NULL`: none),
/// `?5` whether rotated tokens count (reuse counts them, as `MemoryStore`).
pub(super) const COUNT_GRANT: &str = "
SELECT count(*) FROM tower_revoke_tokens
WHERE client_id = ?1 AND grant_id = ?2 AND digest IS NOT ?4 AND revoked_at IS NULL
  AND (expires_at IS NULL OR expires_at > ?3) AND (?5 OR rotated_at IS NULL)";

/// `?1` subject, `?2` now, `?3` wanted labels (a JSON object): every
/// wanted (name, value) must be among the token's labels.
pub(super) const REVOKE_SUBJECT: &str = "
UPDATE tower_revoke_tokens SET revoked_at = ?2
WHERE subject = ?1 AND revocable AND revoked_at IS NULL
  AND (expires_at IS NULL OR expires_at > ?2) AND rotated_at IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM json_each(?3) w
      WHERE NOT EXISTS (
          SELECT 1 FROM json_each(tower_revoke_tokens.labels) l
          WHERE l.key = w.key AND l.value = w.value))
  AND NOT EXISTS (
      SELECT 1 FROM tower_revoke_grants g
      WHERE g.client_id = tower_revoke_tokens.client_id
        AND g.grant_id = tower_revoke_tokens.grant_id
        AND g.revoked_at IS NOT NULL)";

/// What recording a token depends on, read inside its `BEGIN IMMEDIATE`
/// transaction: whether the client exists; whether a stored token of this
/// digest (if any) has the same client, kind and grant; whether the grant
/// (if any) is not revoked. `?1` digest, `?2` kind, `?3` client id, `?4`
/// grant id or `NULL`.
pub(super) const RECORD_FACTS: &str = "
SELECT EXISTS (SELECT 1 FROM tower_revoke_clients WHERE client_id = ?3),
       (SELECT client_id = ?3 AND kind = ?2 AND grant_id IS ?4
        FROM tower_revoke_tokens WHERE digest = ?1),
       NOT EXISTS (
           SELECT 1 FROM tower_revoke_grants
           WHERE client_id = ?3 AND grant_id = ?4 AND revoked_at IS NOT NULL)";

/// What a rotation depends on, read inside its `BEGIN IMMEDIATE`
/// transaction: whether a successor is stored; whether the presented token
/// is a refresh token of the client, unexpired and unrevoked itself; its
/// grant (its own for a token recorded without one) not revoked; when it
/// was rotated; the grant's id; its subject and scope, which a successor
/// sent without them takes (all `NULL` for an unknown token). `?1` the
/// presented token's digest, `?2` the client's id, `?3` now, `?4` the grant
/// a token without one starts, `?5`, `?6` the successors' digests.
pub(super) const ROTATION_FACTS: &str = "
SELECT EXISTS (SELECT 1 FROM tower_revoke_tokens WHERE digest IN (?5, ?6)),
       t.kind = 'refresh_token' AND t.client_id = ?2,
       t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?3),
       g.revoked_at IS NULL,
       t.rotated_at,
       COALESCE(t.grant_id, ?4),
       t.subject,
       t.scope
FROM (SELECT 1) AS one
LEFT JOIN tower_revoke_tokens t ON t.digest = ?1
LEFT JOIN tower_revoke_grants g
       ON g.client_id = t.client_id AND g.grant_id = COALESCE(t.grant_id, ?4)";

/// Marks a token rotated unless it was. `?1` digest, `?2` now (Unix
/// milliseconds).
pub(super) const MARK_ROTATED: &str =
    "UPDATE tower_revoke_tokens SET rotated_at = ?2 WHERE digest = ?1 AND rotated_at IS NULL";

/// Revokes a reused token recorded without a grant, unless it has ended.
/// `?1` digest, `?2` now.
pub(super) const REVOKE_OUTSIDE: &str = "
UPDATE tower_revoke_tokens SET revoked_at = ?2
WHERE digest = ?1 AND grant_id IS NULL AND revoked_at IS NULL
  AND (expires_at IS NULL OR expires_at > ?2)";

/// Records a used client assertion, or replaces its record if that has
/// expired: one row affected for the first use, none for a replay. `?1`
/// the assertion's digest, `?2` now, `?3` until when it is remembered.
pub(super) const USE_ASSERTION: &str = "
INSERT INTO tower_revoke_assertions (digest, expires_at) VALUES (?1, ?3)
ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at
WHERE tower_revoke_assertions.expires_at <= ?2";

/// Deletes a few expired records of used client assertions, the oldest
/// first through the expiry index, but the one just used. `?1` the
/// assertion's digest, `?2` now, `?3` how many at most.
pub(super) const SWEEP_ASSERTIONS: &str = "
DELETE FROM tower_revoke_assertions WHERE rowid IN (
    SELECT rowid FROM tower_revoke_assertions
    WHERE expires_at <= ?2 AND digest <> ?1
    ORDER BY expires_at LIMIT ?3)";
