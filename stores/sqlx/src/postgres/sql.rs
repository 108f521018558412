//! The SQL of [`PostgresStore`](super::PostgresStore), beside the code
//! that runs it: first the statements it runs as SQLite does (their
//! parameters are noted on [`Dialect`]), then its own, with their
//! parameters `$1`, `$2`, ... noted on each constant.

mod status;

use crate::dialect::Dialect;
use sqlx::postgres::PgQueryResult;

impl Dialect for sqlx::Postgres {
    const MIGRATIONS_TABLE: &'static str = "
CREATE TABLE IF NOT EXISTS tower_revoke_migrations (
    version     BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  BIGINT NOT NULL
)";

    const MIGRATED_VERSION: &'static str =
        "SELECT COALESCE(MAX(version), 0) FROM tower_revoke_migrations";

    const RECORD_MIGRATION: &'static str =
    "INSERT INTO tower_revoke_migrations (version, description, applied_at) VALUES ($1, $2, $3)";

    const CLIENT: &'static str = "
SELECT secret_digest, jwks IS NOT NULL OR jwks_uri IS NOT NULL
FROM tower_revoke_clients WHERE client_id = $1";

    const CLIENT_KEYS: &'static str =
        "SELECT jwks, jwks_uri FROM tower_revoke_clients WHERE client_id = $1";

    const INTROSPECT: &'static str = "
SELECT t.client_id, t.kind, t.subject, t.scope, t.expires_at
FROM tower_revoke_tokens t
LEFT JOIN tower_revoke_grants g ON g.client_id = t.client_id AND g.grant_id = t.grant_id
WHERE t.digest = $1 AND t.revoked_at IS NULL AND g.revoked_at IS NULL
  AND (t.expires_at IS NULL OR t.expires_at > $2) AND t.rotated_at IS NULL";

    const DENY_JWT: &'static str = "
INSERT INTO tower_revoke_denied_jtis (issuer, jti, denied_until) VALUES ($1, $2, $3)
ON CONFLICT (issuer, jti) DO UPDATE SET denied_until = excluded.denied_until
WHERE tower_revoke_denied_jtis.denied_until <= $4";

    const JWT_DENIED: &'static str = "
SELECT EXISTS (
    SELECT 1 FROM tower_revoke_denied_jtis
    WHERE issuer = $1 AND jti = $2 AND denied_until > $5
) OR EXISTS (
    SELECT 1 FROM tower_revoke_subject_cutoffs
    WHERE issuer = $1 AND subject = $3 AND revoked_through >= $4
)";

    const DENY_SUBJECT_JWTS: &'static str = "
INSERT INTO tower_revoke_subject_cutoffs (issuer, subject, revoked_through) VALUES ($1, $2, $3)
ON CONFLICT (issuer, subject) DO UPDATE SET revoked_through = excluded.revoked_through
WHERE tower_revoke_subject_cutoffs.revoked_through < excluded.revoked_through";

    // `= ANY (ARRAY(...))`, not `IN (...)`: under the generic plan sqlx's
    // prepared statements get after a few runs, `IN` scans the whole table
    // on every batch; `ANY` of an array keeps to index (or TID) lookups.
    const PURGE_TOKENS: &'static str = "
DELETE FROM tower_revoke_tokens WHERE digest = ANY (ARRAY(
    SELECT digest FROM tower_revoke_tokens WHERE expires_at <= $1 LIMIT $2))";

    const PURGE_DENIED_JWTS: &'static str = "
DELETE FROM tower_revoke_denied_jtis WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM tower_revoke_denied_jtis WHERE denied_until <= $1 LIMIT $2))";

    const PURGE_GRANTS: &'static str = "
DELETE FROM tower_revoke_grants WHERE ctid = ANY (ARRAY(
    SELECT g.ctid FROM tower_revoke_grants g
    WHERE NOT EXISTS (
        SELECT 1 FROM tower_revoke_tokens t
        WHERE t.client_id = g.client_id AND t.grant_id = g.grant_id)
    LIMIT $1))";

    // SKIP LOCKED: the rows `USE_ASSERTION` is deleting or replacing are
    // left to it, so the purge never waits on a request. `= ANY (ARRAY(..))`
    // as in `USE_ASSERTION`: the batch is found through the expiry index
    // and deleted through the primary key, never by a scan of the table.
    const PURGE_ASSERTIONS: &'static str = "
DELETE FROM tower_revoke_assertions WHERE digest = ANY (ARRAY(
    SELECT digest FROM tower_revoke_assertions WHERE expires_at <= $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED))";

    const SCHEMA: [&'static str; 8] = [
        SCHEMA_V1,
        SCHEMA_V2,
        SCHEMA_V3,
        SCHEMA_V4,
        SCHEMA_V5,
        status::SCHEMA_V6,
        batch::SCHEMA_V7,
        batch::SCHEMA_V8,
    ];

    const REGISTER_CLIENT: &'static str = "
INSERT INTO tower_revoke_clients (client_id, secret_digest, jwks, jwks_uri)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING";

    fn rows_affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }
}

/// The revocation notices of a statement, as a CTE named `notices` over a
/// CTE `revoked` of the digests the statement ended: one
/// `pg_notify(CHANNEL, payload)` per message of at most `PER_MESSAGE`
/// digests, each payload lowercase hex digests separated by single spaces,
/// exactly the format of `tower_revoke::store::RevocationNotice`. The statement must
/// read `notices` (a CTE that is not read is not run).
macro_rules! notices {
    ($channel:literal, $per_message:literal) => {
        concat!(
            "
notices AS (
    SELECT pg_notify(",
            $channel,
            ", string_agg(encode(digest, 'hex'), ' '))
    FROM (SELECT digest, (row_number() OVER () - 1) / ",
            $per_message,
            " AS message
          FROM revoked) AS numbered
    GROUP BY message
)"
        )
    };
}

/// Opens `migrate()`'s transaction. `SET LOCAL client_min_messages` keeps
/// PostgreSQL's NOTICEs out of it (until commit or rollback): without it,
/// every start on a migrated database logs `relation
/// "tower_revoke_migrations" already exists, skipping` (sqlx logs notices
/// at INFO), noise that looks like a warning. Warnings and errors still
/// come through. Then a transaction-scoped advisory lock on a fixed key
/// serialises concurrent `migrate()` calls (several app instances starting
/// at once).
pub(super) const MIGRATION_BEGIN: &str = "
SET LOCAL client_min_messages = warning;
SELECT pg_advisory_xact_lock(7009700970097009)";

/// SQLSTATE `invalid_catalog_name`: the database named at connect does
/// not exist.
pub(super) const DATABASE_MISSING: [&str; 1] = ["3D000"];

/// SQLSTATEs of a `CREATE DATABASE` that found the database there:
/// `duplicate_database`, or `unique_violation` (on `pg_database`'s name)
/// when another session created it at the same moment.
pub(super) const DATABASE_EXISTS: [&str; 2] = ["42P04", "23505"];

/// Whether `error` is a PostgreSQL error with one of `sqlstates`.
pub(super) fn is_sqlstate(error: &sqlx::Error, sqlstates: &[&str]) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().is_some_and(|code| sqlstates.contains(&&*code)))
}

/// `CREATE DATABASE` of `name`, quoted as an identifier (`"` doubled), so
/// any name is taken as it is, case and all, never as SQL.
pub(super) fn create_database(name: &str) -> String {
    format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""))
}

/// Version 1: the three tables and their indexes (see the crate docs).
const SCHEMA_V1: &str = "
CREATE TABLE tower_revoke_clients (
    client_id     TEXT PRIMARY KEY,
    secret_digest BYTEA CHECK (octet_length(secret_digest) = 32)
);
CREATE TABLE tower_revoke_grants (
    client_id  TEXT NOT NULL REFERENCES tower_revoke_clients (client_id),
    grant_id   TEXT NOT NULL,
    revoked_at BIGINT,
    PRIMARY KEY (client_id, grant_id)
);
CREATE TABLE tower_revoke_tokens (
    digest     BYTEA PRIMARY KEY CHECK (octet_length(digest) = 32),
    kind       TEXT NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
    client_id  TEXT NOT NULL REFERENCES tower_revoke_clients (client_id),
    grant_id   TEXT,
    subject    TEXT,
    labels     JSONB NOT NULL DEFAULT '{}',
    expires_at BIGINT,
    revocable  BOOLEAN NOT NULL DEFAULT TRUE,
    revoked_at BIGINT,
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
    denied_until BIGINT NOT NULL,
    PRIMARY KEY (issuer, jti)
);
CREATE INDEX tower_revoke_denied_jtis_until ON tower_revoke_denied_jtis (denied_until);
CREATE TABLE tower_revoke_subject_cutoffs (
    issuer          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    revoked_through BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
";

/// Version 3: when a refresh token was rotated, in Unix milliseconds
/// (`NULL`: never). Existing rows are tokens never rotated; adding a
/// column without a default rewrites no row.
const SCHEMA_V3: &str = "
ALTER TABLE tower_revoke_tokens ADD COLUMN IF NOT EXISTS rotated_at BIGINT;
";

/// Version 4: the scope a token was granted (RFC 6749 §3.3; `NULL`: none
/// recorded), which introspection reports. Existing rows have none; adding
/// a column without a default rewrites no row.
const SCHEMA_V4: &str = "
ALTER TABLE tower_revoke_tokens ADD COLUMN IF NOT EXISTS scope TEXT;
";

/// Version 5: `private_key_jwt` (RFC 7523 §2.2, §3). The public keys a
/// client registered (RFC 7591 §2 `jwks`, as the JSON text registered, or
/// `jwks_uri`; never both), and the used client assertions, each filed
/// under its SHA-256 digest of client id and `jti` (never the `jti`)
/// until it expires. Existing clients have no keys; adding columns without
/// a default rewrites no row, and the check reads a few `NULL`s.
const SCHEMA_V5: &str = "
ALTER TABLE tower_revoke_clients
    ADD COLUMN IF NOT EXISTS jwks TEXT,
    ADD COLUMN IF NOT EXISTS jwks_uri TEXT,
    ADD CONSTRAINT tower_revoke_clients_one_key_set CHECK (jwks IS NULL OR jwks_uri IS NULL);
CREATE TABLE tower_revoke_assertions (
    digest     BYTEA PRIMARY KEY CHECK (octet_length(digest) = 32),
    expires_at BIGINT NOT NULL
);
CREATE INDEX tower_revoke_assertions_expiry ON tower_revoke_assertions (expires_at);
";

/// The text of `REVOKE`: the whole revocation of RFC 7009 §2.1 in one
/// statement, so one round trip and one implicit transaction. A macro, so
/// that migration 7's `tower_revoke_revoke_one` holds the same text (see
/// `batch`); changing it takes a migration that replaces that function.
/// `$1` digest, `$2` the asking client's id, `$3` now (Unix seconds), `$4`
/// whether an access token ends its grant, `$5` the notice channel, `$6`
/// digests per notice.
///
/// - `target`: the token and its grant as of the statement's snapshot;
///   `current` is neither expired nor rotated (a rotated refresh token is
///   not active, and ends its grant when its client revokes it, as an
///   expired one does).
/// - `token`: revokes it if active, the caller's, and revocable. The
///   `revoked_at IS NULL` condition is re-checked on the latest row version
///   when a concurrent statement changed it (READ COMMITTED), so of
///   concurrent revocations exactly one updates the row.
/// - `ended`: revokes the grant (scoped by client id) for a refresh token
///   just revoked, or for an expired or rotated, unrevoked refresh token of
///   the caller; again only if no one else revoked the grant first.
/// - `cascaded`: the other tokens the grant held that were active until
///   this statement ended it.
/// - `notices`: `pg_notify` of the digests of every token this statement
///   ended (see `notices!`); delivered by PostgreSQL only once the
///   statement's transaction commits, never if it fails.
/// - The result: one row (none for an unknown token) with the facts the
///   outcome is decided from (`revoke_facts!`), and how many notices were
///   sent.
macro_rules! revoke {
    () => {
        concat!(
            revoke_ctes!(),
            ",",
            notices!("$5", "$6"),
            revoke_facts!(),
            "
       (SELECT count(*) FROM notices) AS notices
FROM target"
        )
    };
}

/// The CTEs of `revoke!` but `notices`, up to `revoked` (the digests of
/// the tokens the statement ended); its `$1` to `$4`. Shared with
/// migration 8's `tower_revoke_revoke_quiet`, which sends no notices of
/// its own.
macro_rules! revoke_ctes {
    () => {
        "
WITH target AS (
    SELECT t.digest, t.client_id, t.kind, t.grant_id, t.revocable,
           t.revoked_at IS NULL AND g.revoked_at IS NULL AS unrevoked,
           (t.expires_at IS NULL OR t.expires_at > $3) AND t.rotated_at IS NULL AS current
    FROM tower_revoke_tokens t
    LEFT JOIN tower_revoke_grants g
           ON g.client_id = t.client_id AND g.grant_id = t.grant_id
    WHERE t.digest = $1
),
token AS (
    UPDATE tower_revoke_tokens t SET revoked_at = $3
    FROM target
    WHERE t.digest = target.digest
      AND target.unrevoked AND target.current
      AND target.client_id = $2 AND target.revocable
      AND t.revoked_at IS NULL
    RETURNING t.digest
),
ended AS (
    UPDATE tower_revoke_grants g SET revoked_at = $3
    FROM target
    WHERE g.client_id = target.client_id AND g.grant_id = target.grant_id
      AND target.client_id = $2 AND target.unrevoked
      AND g.revoked_at IS NULL
      AND CASE WHEN target.current
               THEN (target.kind = 'refresh_token' OR $4) AND EXISTS (SELECT 1 FROM token)
               ELSE target.kind = 'refresh_token'
          END
    RETURNING g.client_id, g.grant_id
),
cascaded AS (
    SELECT o.digest FROM tower_revoke_tokens o
    JOIN ended ON o.client_id = ended.client_id AND o.grant_id = ended.grant_id
    WHERE o.digest <> $1 AND o.revoked_at IS NULL
      AND (o.expires_at IS NULL OR o.expires_at > $3) AND o.rotated_at IS NULL
),
revoked AS (SELECT digest FROM token UNION ALL SELECT digest FROM cascaded)"
    };
}

/// The first columns of the row of `revoke!` (and of migration 8's
/// `tower_revoke_revoke_quiet`), over `revoke_ctes!`: the token's kind,
/// whether it is the asking client's, revocable and active, whether the
/// statement revoked it, and how many other active tokens its grant held
/// when the statement ended it. Ends with a comma: the caller adds the
/// last column and `FROM target`.
macro_rules! revoke_facts {
    () => {
        "
SELECT target.kind,
       target.client_id = $2 AS own,
       target.revocable,
       target.unrevoked AND target.current AS active,
       EXISTS (SELECT 1 FROM token) AS revoked,
       (SELECT count(*) FROM cascaded) AS cascaded,"
    };
}

/// One revocation, as a statement of its own: see `revoke!` for what it
/// does and its parameters.
pub(super) const REVOKE: &str = revoke!();

mod batch;
pub(super) use batch::REVOKE_BATCH;

/// `$1` subject, `$2` now, `$3` wanted labels (a JSON object), `$4` the
/// notice channel, `$5` digests per notice. The rows are locked in digest
/// order first, so that concurrent bulk revocations of one subject wait
/// for each other instead of deadlocking; a row revoked meanwhile fails
/// the re-checked `revoked_at IS NULL` and is not counted twice. Returns
/// how many tokens it revoked, and how many notices (see `notices!`) it
/// sent.
pub(super) const REVOKE_SUBJECT: &str = concat!(
    "
WITH revoked AS (
    UPDATE tower_revoke_tokens SET revoked_at = $2
    WHERE digest IN (
        SELECT t.digest FROM tower_revoke_tokens t
        WHERE t.subject = $1 AND t.revocable AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > $2) AND t.rotated_at IS NULL
          AND t.labels @> $3::jsonb
          AND NOT EXISTS (
              SELECT 1 FROM tower_revoke_grants g
              WHERE g.client_id = t.client_id AND g.grant_id = t.grant_id
                AND g.revoked_at IS NOT NULL)
        ORDER BY t.digest
        FOR UPDATE OF t)
      AND revoked_at IS NULL
    RETURNING digest
),",
    notices!("$4", "$5"),
    "
SELECT (SELECT count(*) FROM revoked), (SELECT count(*) FROM notices)"
);

/// Records an issued token in one statement, so one round trip and one
/// implicit transaction. `$1` digest, `$2` kind, `$3` client id, `$4`
/// grant id (`NULL`: none), `$5` subject, `$6` scope, `$7` labels (JSON
/// text), `$8` expiry, `$9` revocable.
///
/// - `client`, `existing`: the client and any stored token of this digest,
///   as of the statement's snapshot.
/// - `grant_row`: the revocation barrier. Creates the grant, or takes the
///   row lock of the one stored with `ON CONFLICT DO UPDATE`, which acts on
///   the latest committed version of the row (not the snapshot's) and is
///   skipped by its `WHERE` for a revoked grant: no row then. A revocation
///   that ends the grant updates the same row, so the two take turns: a
///   revocation committed first makes this statement see the grant
///   revoked; one that comes later waits for this token to be committed
///   and then ends it with the grant.
/// - `inserted`: the token, for a registered client, a digest not stored
///   and an open grant. A concurrent recording of the same digest makes
///   `ON CONFLICT DO NOTHING` skip it (after that one committed): the
///   caller runs the statement again, whose snapshot sees that token.
/// - The result: whether the client exists; whether the stored token (if
///   any) has the same client, kind and grant; whether the grant is open;
///   whether this statement inserted the token.
pub(super) const RECORD: &str = "
WITH client AS (
    SELECT client_id FROM tower_revoke_clients WHERE client_id = $3
),
existing AS (
    SELECT client_id = $3 AND kind = $2 AND grant_id IS NOT DISTINCT FROM $4::text AS same
    FROM tower_revoke_tokens WHERE digest = $1
),
grant_row AS (
    INSERT INTO tower_revoke_grants (client_id, grant_id)
    SELECT client_id, $4 FROM client
    WHERE $4::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM existing)
    ON CONFLICT (client_id, grant_id) DO UPDATE SET revoked_at = NULL
    WHERE tower_revoke_grants.revoked_at IS NULL
    RETURNING 1
),
inserted AS (
    INSERT INTO tower_revoke_tokens
        (digest, kind, client_id, grant_id, subject, scope, labels, expires_at, revocable)
    SELECT $1, $2, client_id, $4, $5, $6, $7::jsonb, $8, $9 FROM client
    WHERE NOT EXISTS (SELECT 1 FROM existing)
      AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM grant_row))
    ON CONFLICT (digest) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM client),
       (SELECT same FROM existing),
       $4::text IS NULL OR EXISTS (SELECT 1 FROM grant_row),
       EXISTS (SELECT 1 FROM inserted)";

/// The writes of a rotation (see `ROTATE`), as CTEs over a relation
/// `$grant` of one row (client id, grant id), or none to write nothing:
/// `rotated` marks the presented token rotated at `$4` unless it was,
/// `successors` records them in that grant, one sent without a subject or
/// scope with the presented token's, which scalar subqueries read from
/// `$presented` (a `FROM` clause of the presented token's row; a digest
/// stored meanwhile fails the statement with a unique violation, so
/// nothing is written), and `notices` tells the guard caches that the
/// presented token is no longer active. Parameters as `ROTATE`'s.
macro_rules! rotation {
    ($grant:literal, $presented:literal) => {
        concat!(
            "
rotated AS (
    UPDATE tower_revoke_tokens t SET rotated_at = $4
    FROM ",
            $grant,
            " AS g (client_id, grant_id)
    WHERE t.digest = $1 AND t.rotated_at IS NULL
    RETURNING t.digest
),
successors AS (
    INSERT INTO tower_revoke_tokens
        (digest, kind, client_id, grant_id, subject, scope, labels, expires_at, revocable)
    SELECT s.digest, s.kind, g.client_id, g.grant_id,
           COALESCE(s.subject, (SELECT subject FROM ",
            $presented,
            ")),
           COALESCE(s.scope, (SELECT scope FROM ",
            $presented,
            ")),
           s.labels::jsonb, s.expires_at, s.revocable
    FROM ",
            $grant,
            " AS g (client_id, grant_id)
    CROSS JOIN (VALUES
        ($6::bytea, 'refresh_token', $7::text, $8::text, $9::text, $10::int8, $11::bool),
        ($12::bytea, 'access_token', $13::text, $14::text, $15::text, $16::int8, $17::bool)
    ) AS s (digest, kind, subject, scope, labels, expires_at, revocable)
    WHERE s.digest IS NOT NULL
    RETURNING 1
),
revoked AS (SELECT digest FROM rotated),",
            notices!("$18", "$19")
        )
    };
}

/// The CTE `presented`, the presented token's row locked (`FOR UPDATE`),
/// then the start of the CTE `grant_row`, which inserts or locks its grant
/// (the token's own, `$5`, for a token recorded without one) for a refresh
/// token of the client, up to the `WHERE` that the statement goes on with
/// (its `AND ...`, its `ON CONFLICT` clause, its `RETURNING`). Parameters
/// as `ROTATE`'s.
macro_rules! presented {
    () => {
        "
presented AS (
    SELECT client_id, grant_id, kind, subject, scope, revoked_at, expires_at, rotated_at
    FROM tower_revoke_tokens WHERE digest = $1
    FOR UPDATE
),
grant_row AS (
    INSERT INTO tower_revoke_grants (client_id, grant_id)
    SELECT client_id, COALESCE(grant_id, $5) FROM presented
    WHERE kind = 'refresh_token' AND client_id = $2"
    };
}

/// The first rotation of a refresh token in one statement, so one round
/// trip and one implicit transaction; anything else it leaves unchanged
/// and reports. `$1` the presented token's digest, `$2` the presenting
/// client's id, `$3` now (Unix seconds), `$4` now (Unix milliseconds), `$5`
/// the grant a token recorded without one starts (`rt:` and its digest in
/// hex), `$6`..`$11` the successor refresh token (digest, subject, scope,
/// labels, expiry, revocable), `$12`..`$17` the successor access token
/// (digest `NULL` for none), `$18` the notice channel, `$19` digests per
/// notice. A successor's subject or scope `NULL` stands for the presented
/// token's.
///
/// - `taken`: a successor already stored (as of the snapshot).
/// - `presented`: the presented token's row, locked (`FOR UPDATE`): of
///   concurrent rotations of one token, one goes on while the others wait
///   for it to commit, and then read the row as it committed it (rotated).
/// - `grant_row`: for the client's own live refresh token never rotated,
///   creates its grant (its own for a token without one) or locks the one
///   stored as `RECORD` does; no row for a revoked grant.
/// - `rotation!`: marks it rotated and records the successors in that
///   grant, with the presented token's subject and scope (as locked) for a
///   successor sent without them.
/// - The result: whether a successor is taken; for the presented token
///   (`NULL` for an unknown one), whether it is a refresh token of the
///   client, and when it was rotated as locked (before this statement);
///   whether this statement rotated it; how many notices it sent. A token
///   rotated before is then decided by `LOCK_PRESENTED` in a transaction.
pub(super) const ROTATE: &str = concat!(
    "
WITH taken AS (
    SELECT 1 FROM tower_revoke_tokens WHERE digest = $6 OR digest = $12
),",
    presented!(),
    "
      AND rotated_at IS NULL AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > $3)
      AND NOT EXISTS (SELECT 1 FROM taken)
    ON CONFLICT (client_id, grant_id) DO UPDATE SET revoked_at = NULL
    WHERE tower_revoke_grants.revoked_at IS NULL
    RETURNING client_id, grant_id
),",
    rotation!("grant_row", "presented"),
    "
SELECT EXISTS (SELECT 1 FROM taken),
       p.kind = 'refresh_token' AND p.client_id = $2,
       p.rotated_at,
       EXISTS (SELECT 1 FROM rotated),
       (SELECT count(*) FROM notices)
FROM (SELECT 1) AS one LEFT JOIN presented p ON true"
);

/// The facts a rotation of a token rotated before is decided on, in the
/// transaction that then writes, with the rows they come from locked.
/// Parameters as `ROTATE`'s (not all of them used).
///
/// - `presented`: the token's row, locked as in `ROTATE`.
/// - `grant_row`: for a refresh token of the client, its grant's row
///   (created if missing, as `MemoryStore` creates a token's own grant),
///   locked by a no-op `ON CONFLICT DO UPDATE` that reads its latest
///   version: no recording into the grant, and no other rotation or
///   revocation of it, commits until this transaction does, so the
///   statements after this one see every token of the grant.
/// - The result: whether a successor is taken; whether the token is a
///   refresh token of the client, unexpired and unrevoked itself, its
///   grant open, when it was rotated; the grant's id. No row for an
///   unknown token.
pub(super) const LOCK_PRESENTED: &str = concat!(
    "
WITH",
    presented!(),
    "
    ON CONFLICT (client_id, grant_id) DO UPDATE SET revoked_at = tower_revoke_grants.revoked_at
    RETURNING grant_id, revoked_at
)
SELECT EXISTS (SELECT 1 FROM tower_revoke_tokens WHERE digest = $6 OR digest = $12),
       p.kind = 'refresh_token' AND p.client_id = $2,
       p.revoked_at IS NULL AND (p.expires_at IS NULL OR p.expires_at > $3),
       g.revoked_at IS NULL,
       p.rotated_at,
       g.grant_id
FROM presented p LEFT JOIN grant_row g ON true"
);

/// A rotation decided after `LOCK_PRESENTED` (a presentation within the
/// grace period): `rotation!` in the grant `$2`, `$5`, with the subject and
/// scope of the presented token (its row locked by `LOCK_PRESENTED`) for a
/// successor sent without them. Parameters as `ROTATE`'s; returns how many
/// notices it sent.
pub(super) const ROTATE_LOCKED: &str = concat!(
    "
WITH",
    rotation!(
        "(VALUES ($2::text, $5::text))",
        "tower_revoke_tokens WHERE digest = $1"
    ),
    "
SELECT count(*) FROM notices"
);

/// Reuse, after `LOCK_PRESENTED`: ends the grant and the presented token
/// when it lies outside it, and sends the notices as `REVOKE` does. `$1`
/// the presented token's digest, `$2` the client's id, `$3` the grant's id,
/// `$4` now (Unix seconds), `$5` the notice channel, `$6` digests per
/// notice. A statement of its own, after the grant's row was locked, so
/// its snapshot holds every token of the grant.
///
/// - `ended`: revokes the grant unless it is already.
/// - `members`: the tokens of the grant it ended that were live (neither
///   expired nor revoked; rotated ones too, as `MemoryStore` counts them).
/// - `outside`: the presented token, when recorded without a grant (its
///   successors are in its own), unless it has ended.
/// - The result: how many tokens it ended, and how many notices it sent.
pub(super) const REUSE: &str = concat!(
    "
WITH ended AS (
    UPDATE tower_revoke_grants SET revoked_at = $4
    WHERE client_id = $2 AND grant_id = $3 AND revoked_at IS NULL
    RETURNING client_id, grant_id
),
members AS (
    SELECT t.digest FROM tower_revoke_tokens t
    JOIN ended ON t.client_id = ended.client_id AND t.grant_id = ended.grant_id
    WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $4)
),
outside AS (
    UPDATE tower_revoke_tokens SET revoked_at = $4
    WHERE digest = $1 AND grant_id IS NULL AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > $4)
    RETURNING digest
),
revoked AS (SELECT digest FROM members UNION ALL SELECT digest FROM outside),",
    notices!("$5", "$6"),
    "
SELECT (SELECT count(*) FROM revoked), (SELECT count(*) FROM notices)"
);

/// The use of a client assertion (RFC 7523 §3 item 7) in one statement,
/// so one round trip and one implicit transaction. `$1` the assertion's
/// digest, `$2` now (Unix seconds), `$3` until when it is remembered, `$4`
/// how many expired records to delete at most.
///
/// - `used`: records the digest, or replaces its record if that has
///   expired (`ON CONFLICT DO UPDATE ... WHERE`, which acts on the latest
///   committed version of the row: of concurrent uses of one assertion,
///   from any connection or instance, one inserts or replaces, the others
///   wait for it to commit and then find a live record). A row returned:
///   the first use; none: a replay.
/// - `swept`: deletes up to `$4` other expired records, the oldest first
///   through the expiry index, skipping rows another statement has locked
///   (`FOR UPDATE SKIP LOCKED`): no use ever waits on another's sweep, and
///   the table holds about the live records, with no purge that locks it
///   (unlike Ory Hydra's jti cleanup, hydra issue 4113). The batch is an
///   array (`= ANY (ARRAY(..))`, computed once) that the `DELETE` looks up
///   through the primary key: with `IN (..)`, the generic plan of the
///   prepared statement joins it against a scan of the whole table. Not
///   read by the result, so PostgreSQL runs it after `used` (a
///   data-modifying `WITH` runs to completion all the same): a use waits
///   on a row lock only in `used`, before it has locked any row of its own.
pub(super) const USE_ASSERTION: &str = "
WITH used AS (
    INSERT INTO tower_revoke_assertions (digest, expires_at) VALUES ($1, $3)
    ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at
    WHERE tower_revoke_assertions.expires_at <= $2
    RETURNING 1
),
swept AS (
    DELETE FROM tower_revoke_assertions WHERE digest = ANY (ARRAY(
        SELECT digest FROM tower_revoke_assertions
        WHERE expires_at <= $2 AND digest <> $1
        ORDER BY expires_at LIMIT $4
        FOR UPDATE SKIP LOCKED))
)
SELECT EXISTS (SELECT 1 FROM used)";

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_quoted_identifiers() {
        assert_eq!(
            super::create_database("tower_revoke"),
            r#"CREATE DATABASE "tower_revoke""#
        );
        assert_eq!(
            super::create_database(r#"My "db"; DROP"#),
            r#"CREATE DATABASE "My ""db""; DROP""#
        );
    }
}
