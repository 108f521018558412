//! SQLite's SQL for the token status lists: version 6 of the schema (the
//! tables and the triggers that make statuses INVALID).
//!
//! SQLite has one writer at a time (each write statement, trigger
//! included, holds the write lock to its commit), so a trigger, an
//! allocation and a binding read what every earlier write committed and
//! need no locks of their own.

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
