//! PostgreSQL's SQL for the token status lists: version 6 of the schema
//! (the tables and the triggers that make statuses INVALID) and the
//! statements of [`StatusDialect`], whose parameters it notes.
//!
//! Three kinds of lock keep the triggers right under concurrency, each a
//! transaction-scoped advisory lock or a row lock, and none taken by a
//! revocation that matches no slot:
//! - a slot is allocated under a shared lock of its (issuer, subject)
//!   (two-key advisory lock, first key 7009, second a hash of the pair)
//!   and a cutoff is raised under the exclusive one, each reading the
//!   other's table after taking it: an allocation and a cutoff of one
//!   subject follow each other, so the later one sees the earlier.
//! - whoever makes a status INVALID (a revocation's trigger, a binding to
//!   a revoked token, an allocation that starts INVALID) first takes one
//!   lock (key 7010, 0), held to its commit. So two of them never lock
//!   the same slots, or two lists' rows (their versions), in opposite
//!   orders, which would be a deadlock; they follow each other from that
//!   point to their commit (as their `NOTIFY` does at commit), and each
//!   list's version moves in commit order.
//! - a binding locks the token's row, then its grant's (`FOR SHARE`), in
//!   the order a revocation locks them, before anything else: a
//!   revocation that came first is seen by the binding, one that comes
//!   later waits for it, and its trigger sees the slot bound.

use crate::dialect::StatusDialect;

impl StatusDialect for sqlx::Postgres {
    const NEWEST_LIST: &'static str = "
SELECT list_id, capacity FROM tower_revoke_status_lists ORDER BY list_id DESC LIMIT 1";

    const OPEN_LIST: &'static str = "
INSERT INTO tower_revoke_status_lists (list_id, capacity) VALUES ($1, $2)
ON CONFLICT DO NOTHING";

    // The slot's first status is the trigger's (`starts`): it reads the
    // cutoffs under the subject's lock.
    const ALLOCATE: &'static str = "
INSERT INTO tower_revoke_status_slots
    (list_id, idx, issuer, jti, subject, issued_at, expires_at)
SELECT $1, d.idx, $3, $4, $5, $6, $7
FROM (SELECT value::bigint AS idx, n
      FROM json_array_elements_text($2::json) WITH ORDINALITY AS e (value, n)) AS d
WHERE NOT EXISTS (
    SELECT 1 FROM tower_revoke_status_slots s WHERE s.list_id = $1 AND s.idx = d.idx)
ORDER BY d.n LIMIT 1
ON CONFLICT DO NOTHING
RETURNING idx";

    const ANY_FREE: &'static str = "
SELECT EXISTS (
    SELECT 1 FROM json_array_elements_text($2::json) AS d (value)
    WHERE NOT EXISTS (
        SELECT 1 FROM tower_revoke_status_slots s
        WHERE s.list_id = $1 AND s.idx = d.value::bigint))";

    // `token` and `grant_row` lock the rows a revocation updates, token
    // first (a row locked after a wait is read as its holder committed
    // it); `ended` takes the lock of INVALID statuses when either is
    // revoked. All three are read, first, for the new value of `invalid`,
    // before the slot's row is written.
    const BIND: &'static str = "
WITH token AS (
    SELECT client_id, grant_id, revoked_at FROM tower_revoke_tokens WHERE digest = $3
    FOR SHARE
),
grant_row AS (
    SELECT g.revoked_at FROM tower_revoke_grants g
    JOIN token t ON g.client_id = t.client_id AND g.grant_id = t.grant_id
    FOR SHARE OF g
),
ended AS (
    SELECT pg_advisory_xact_lock(7010, 0)
    WHERE EXISTS (SELECT 1 FROM token WHERE revoked_at IS NOT NULL)
       OR EXISTS (SELECT 1 FROM grant_row WHERE revoked_at IS NOT NULL)
)
UPDATE tower_revoke_status_slots SET token_digest = $3,
    invalid = EXISTS (SELECT 1 FROM ended) OR invalid
WHERE list_id = $1 AND idx = $2 AND token_digest IS NULL";

    const VERSION: &'static str =
        "SELECT version FROM tower_revoke_status_lists WHERE list_id = $1";

    const LIST: &'static str = "
SELECT l.capacity, l.version, s.idx
FROM tower_revoke_status_lists l
LEFT JOIN tower_revoke_status_slots s ON s.list_id = l.list_id AND s.invalid
WHERE l.list_id = $1
ORDER BY s.idx";

    const LISTS: &'static str = "SELECT list_id FROM tower_revoke_status_lists ORDER BY list_id";
}

/// Version 6: token status lists (draft-ietf-oauth-status-list-20; see
/// the crate docs). The lists and their slots, with an index for each way
/// a revocation finds slots and a partial one of the INVALID statuses;
/// the triggers that make statuses INVALID inside the revoking statement,
/// and the one that moves a list's version with them (see this module's
/// docs for their locks). The functions keep the `search_path` they were
/// created with. Existing tables are only given triggers: no row is
/// rewritten.
pub(super) const SCHEMA_V6: &str = "
CREATE TABLE tower_revoke_status_lists (
    list_id  BIGINT PRIMARY KEY CHECK (list_id >= 1),
    capacity BIGINT NOT NULL
        CHECK (capacity >= 8 AND capacity % 8 = 0 AND capacity <= 16777216),
    version  BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE tower_revoke_status_slots (
    list_id      BIGINT NOT NULL REFERENCES tower_revoke_status_lists (list_id),
    idx          BIGINT NOT NULL CHECK (idx >= 0),
    issuer       TEXT NOT NULL,
    jti          TEXT NOT NULL,
    subject      TEXT NOT NULL,
    issued_at    BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    token_digest BYTEA CHECK (octet_length(token_digest) = 32),
    invalid      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (list_id, idx)
);
CREATE INDEX tower_revoke_status_slots_jti ON tower_revoke_status_slots (issuer, jti);
CREATE INDEX tower_revoke_status_slots_subject
    ON tower_revoke_status_slots (issuer, subject, issued_at);
CREATE INDEX tower_revoke_status_slots_token ON tower_revoke_status_slots (token_digest)
    WHERE token_digest IS NOT NULL;
CREATE INDEX tower_revoke_status_slots_invalid ON tower_revoke_status_slots (list_id, idx)
    WHERE invalid;

CREATE FUNCTION tower_revoke_status_starts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7009, hashtext(NEW.issuer || ' ' || NEW.subject));
    NEW.invalid := NEW.invalid
        OR EXISTS (SELECT 1 FROM tower_revoke_subject_cutoffs
                   WHERE issuer = NEW.issuer AND subject = NEW.subject
                     AND revoked_through >= NEW.issued_at)
        OR EXISTS (SELECT 1 FROM tower_revoke_denied_jtis
                   WHERE issuer = NEW.issuer AND jti = NEW.jti);
    IF NEW.invalid THEN
        PERFORM pg_advisory_xact_lock(7010, 0);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tower_revoke_status_starts BEFORE INSERT ON tower_revoke_status_slots
    FOR EACH ROW EXECUTE FUNCTION tower_revoke_status_starts();

CREATE FUNCTION tower_revoke_status_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE tower_revoke_status_lists SET version = version + 1 WHERE list_id = NEW.list_id;
    RETURN NULL;
END $$;
CREATE TRIGGER tower_revoke_status_changed AFTER UPDATE OF invalid ON tower_revoke_status_slots
    FOR EACH ROW WHEN (NEW.invalid AND NOT OLD.invalid)
    EXECUTE FUNCTION tower_revoke_status_changed();
CREATE TRIGGER tower_revoke_status_started AFTER INSERT ON tower_revoke_status_slots
    FOR EACH ROW WHEN (NEW.invalid) EXECUTE FUNCTION tower_revoke_status_changed();

CREATE FUNCTION tower_revoke_status_denied_jti() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tower_revoke_status_slots
               WHERE issuer = NEW.issuer AND jti = NEW.jti AND NOT invalid) THEN
        PERFORM pg_advisory_xact_lock(7010, 0);
        UPDATE tower_revoke_status_slots SET invalid = TRUE
        WHERE issuer = NEW.issuer AND jti = NEW.jti AND NOT invalid;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tower_revoke_status_denied_jti
    AFTER INSERT OR UPDATE ON tower_revoke_denied_jtis
    FOR EACH ROW EXECUTE FUNCTION tower_revoke_status_denied_jti();

CREATE FUNCTION tower_revoke_status_cutoff() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7009, hashtext(NEW.issuer || ' ' || NEW.subject));
    IF EXISTS (SELECT 1 FROM tower_revoke_status_slots
               WHERE issuer = NEW.issuer AND subject = NEW.subject
                 AND issued_at <= NEW.revoked_through AND NOT invalid) THEN
        PERFORM pg_advisory_xact_lock(7010, 0);
        UPDATE tower_revoke_status_slots SET invalid = TRUE
        WHERE issuer = NEW.issuer AND subject = NEW.subject
          AND issued_at <= NEW.revoked_through AND NOT invalid;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tower_revoke_status_cutoff
    AFTER INSERT OR UPDATE ON tower_revoke_subject_cutoffs
    FOR EACH ROW EXECUTE FUNCTION tower_revoke_status_cutoff();

CREATE FUNCTION tower_revoke_status_token() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tower_revoke_status_slots
               WHERE token_digest = NEW.digest AND NOT invalid) THEN
        PERFORM pg_advisory_xact_lock(7010, 0);
        UPDATE tower_revoke_status_slots SET invalid = TRUE
        WHERE token_digest = NEW.digest AND NOT invalid;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tower_revoke_status_token
    AFTER UPDATE OF revoked_at ON tower_revoke_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION tower_revoke_status_token();

CREATE FUNCTION tower_revoke_status_grant() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tower_revoke_tokens t
               JOIN tower_revoke_status_slots s ON s.token_digest = t.digest
               WHERE t.client_id = NEW.client_id AND t.grant_id = NEW.grant_id
                 AND NOT s.invalid) THEN
        PERFORM pg_advisory_xact_lock(7010, 0);
        UPDATE tower_revoke_status_slots SET invalid = TRUE
        WHERE token_digest IN (
            SELECT digest FROM tower_revoke_tokens
            WHERE client_id = NEW.client_id AND grant_id = NEW.grant_id)
          AND NOT invalid;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tower_revoke_status_grant
    AFTER UPDATE OF revoked_at ON tower_revoke_grants
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION tower_revoke_status_grant();
";
