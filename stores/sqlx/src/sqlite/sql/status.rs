//! SQLite's SQL for the token status lists: version 6 of the schema (the
//! tables and the triggers that make statuses INVALID) and the statements
//! of [`StatusDialect`], whose parameters it notes.
//!
//! SQLite has one writer at a time (each write statement, trigger
//! included, holds the write lock to its commit), so a trigger, an
//! allocation and a binding read what every earlier write committed and
//! need no locks of their own.

use crate::dialect::StatusDialect;

impl StatusDialect for sqlx::Sqlite {
    const NEWEST_LIST: &'static str = "
SELECT list_id, capacity FROM tower_revoke_status_lists ORDER BY list_id DESC LIMIT 1";

    const OPEN_LIST: &'static str = "
INSERT INTO tower_revoke_status_lists (list_id, capacity) VALUES (?1, ?2)
ON CONFLICT DO NOTHING";

    // The slot's first status is read in the same statement, under the
    // write lock: no cutoff or denial can come between.
    const ALLOCATE: &'static str = "
INSERT INTO tower_revoke_status_slots
    (list_id, idx, issuer, jti, subject, issued_at, expires_at, invalid)
SELECT ?1, d.value, ?3, ?4, ?5, ?6, ?7,
       EXISTS (SELECT 1 FROM tower_revoke_subject_cutoffs
               WHERE issuer = ?3 AND subject = ?5 AND revoked_through >= ?6)
       OR EXISTS (SELECT 1 FROM tower_revoke_denied_jtis WHERE issuer = ?3 AND jti = ?4)
FROM json_each(?2) AS d
WHERE NOT EXISTS (
    SELECT 1 FROM tower_revoke_status_slots s WHERE s.list_id = ?1 AND s.idx = d.value)
ORDER BY d.key LIMIT 1
ON CONFLICT DO NOTHING
RETURNING idx";

    const ANY_FREE: &'static str = "
SELECT EXISTS (
    SELECT 1 FROM json_each(?2) AS d
    WHERE NOT EXISTS (
        SELECT 1 FROM tower_revoke_status_slots s WHERE s.list_id = ?1 AND s.idx = d.value))";

    const BIND: &'static str = "
UPDATE tower_revoke_status_slots SET token_digest = ?3,
    invalid = invalid OR EXISTS (
        SELECT 1 FROM tower_revoke_tokens t
        LEFT JOIN tower_revoke_grants g
               ON g.client_id = t.client_id AND g.grant_id = t.grant_id
        WHERE t.digest = ?3 AND (t.revoked_at IS NOT NULL OR g.revoked_at IS NOT NULL))
WHERE list_id = ?1 AND idx = ?2 AND token_digest IS NULL";

    const VERSION: &'static str =
        "SELECT version FROM tower_revoke_status_lists WHERE list_id = ?1";

    const LIST: &'static str = "
SELECT l.capacity, l.version, s.idx
FROM tower_revoke_status_lists l
LEFT JOIN tower_revoke_status_slots s ON s.list_id = l.list_id AND s.invalid
WHERE l.list_id = ?1
ORDER BY s.idx";

    const LISTS: &'static str = "SELECT list_id FROM tower_revoke_status_lists ORDER BY list_id";
}

/// Version 6: token status lists (draft-ietf-oauth-status-list-20; see
/// the crate docs). The lists and their slots, with an index for each way
/// a revocation finds slots and a partial one of the INVALID statuses;
/// the triggers that make statuses INVALID inside the revoking statement
/// (an upsert's `DO UPDATE` fires the `UPDATE` triggers), and those that
/// move a list's version with them. Existing tables are only given
/// triggers: no row is rewritten.
pub(super) const SCHEMA_V6: &str = "
CREATE TABLE tower_revoke_status_lists (
    list_id  INTEGER PRIMARY KEY NOT NULL CHECK (list_id >= 1),
    capacity INTEGER NOT NULL
        CHECK (capacity >= 8 AND capacity % 8 = 0 AND capacity <= 16777216),
    version  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tower_revoke_status_slots (
    list_id      INTEGER NOT NULL REFERENCES tower_revoke_status_lists (list_id),
    idx          INTEGER NOT NULL CHECK (idx >= 0),
    issuer       TEXT NOT NULL,
    jti          TEXT NOT NULL,
    subject      TEXT NOT NULL,
    issued_at    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    token_digest BLOB CHECK (length(token_digest) = 32),
    invalid      INTEGER NOT NULL DEFAULT 0 CHECK (invalid IN (0, 1)),
    PRIMARY KEY (list_id, idx)
);
CREATE INDEX tower_revoke_status_slots_jti ON tower_revoke_status_slots (issuer, jti);
CREATE INDEX tower_revoke_status_slots_subject
    ON tower_revoke_status_slots (issuer, subject, issued_at);
CREATE INDEX tower_revoke_status_slots_token ON tower_revoke_status_slots (token_digest)
    WHERE token_digest IS NOT NULL;
CREATE INDEX tower_revoke_status_slots_invalid ON tower_revoke_status_slots (list_id, idx)
    WHERE invalid;

CREATE TRIGGER tower_revoke_status_changed AFTER UPDATE OF invalid ON tower_revoke_status_slots
WHEN NEW.invalid AND NOT OLD.invalid
BEGIN
    UPDATE tower_revoke_status_lists SET version = version + 1 WHERE list_id = NEW.list_id;
END;
CREATE TRIGGER tower_revoke_status_started AFTER INSERT ON tower_revoke_status_slots
WHEN NEW.invalid
BEGIN
    UPDATE tower_revoke_status_lists SET version = version + 1 WHERE list_id = NEW.list_id;
END;
CREATE TRIGGER tower_revoke_status_denied_jti AFTER INSERT ON tower_revoke_denied_jtis
BEGIN
    UPDATE tower_revoke_status_slots SET invalid = 1
    WHERE issuer = NEW.issuer AND jti = NEW.jti AND NOT invalid;
END;
CREATE TRIGGER tower_revoke_status_denied_jti_again AFTER UPDATE ON tower_revoke_denied_jtis
BEGIN
    UPDATE tower_revoke_status_slots SET invalid = 1
    WHERE issuer = NEW.issuer AND jti = NEW.jti AND NOT invalid;
END;
CREATE TRIGGER tower_revoke_status_cutoff AFTER INSERT ON tower_revoke_subject_cutoffs
BEGIN
    UPDATE tower_revoke_status_slots SET invalid = 1
    WHERE issuer = NEW.issuer AND subject = NEW.subject
      AND issued_at <= NEW.revoked_through AND NOT invalid;
END;
CREATE TRIGGER tower_revoke_status_cutoff_raised AFTER UPDATE ON tower_revoke_subject_cutoffs
BEGIN
    UPDATE tower_revoke_status_slots SET invalid = 1
    WHERE issuer = NEW.issuer AND subject = NEW.subject
      AND issued_at <= NEW.revoked_through AND NOT invalid;
END;
CREATE TRIGGER tower_revoke_status_token AFTER UPDATE OF revoked_at ON tower_revoke_tokens
WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    UPDATE tower_revoke_status_slots SET invalid = 1
    WHERE token_digest = NEW.digest AND NOT invalid;
END;
CREATE TRIGGER tower_revoke_status_grant AFTER UPDATE OF revoked_at ON tower_revoke_grants
WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    UPDATE tower_revoke_status_slots SET invalid = 1
    WHERE token_digest IN (
        SELECT digest FROM tower_revoke_tokens
        WHERE client_id = NEW.client_id AND grant_id = NEW.grant_id)
      AND NOT invalid;
END;
";
