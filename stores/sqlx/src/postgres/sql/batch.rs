//! Migrations 7 and 8: revocations run together in one statement (the
//! [group commit](crate::PostgresStore#group-commit)), by PL/pgSQL
//! functions.
//!
//! Migration 7 created two:
//! - `tower_revoke_revoke_one($1 .. $6)`: the single-revocation statement
//!   `REVOKE` (the `revoke!` text, verbatim: PL/pgSQL reads `$1` .. `$6`
//!   as the function's arguments), its row returned as it is (none for an
//!   unknown token). PL/pgSQL keeps its plan for the session.
//! - `tower_revoke_revoke_batch`: one `tower_revoke_revoke_one` per
//!   element of its arrays, in order, each row prefixed with the element's
//!   1-based position. Each call is a statement of its own inside the
//!   caller's transaction, with a fresh snapshot (READ COMMITTED), so it
//!   sees what the ones before it wrote: the same outcomes as the
//!   statements one after the other, committed together. An error in any
//!   one fails them all.
//!
//! Migration 8 sends a batch's notices together, at its end, instead of
//! one `pg_notify` per revocation. Each notification is a queue entry
//! written at commit and read by every listening session, so 16
//! revocations of one token each now cost one notification instead of 16.
//! - `tower_revoke_revoke_quiet($1 .. $4)`: the statement's CTEs
//!   (`revoke_ctes!`, verbatim) without `notices`; its row ends with the
//!   digests it ended (`BYTEA[]`) instead of a count of notices.
//! - `tower_revoke_revoke_batch` is replaced, with the same arguments and
//!   columns (an instance still on version 7's code calls it unchanged):
//!   one `tower_revoke_revoke_quiet` per element, in order, collecting the
//!   digests; then the notices of them all, by the `notices!` CTE of the
//!   single statement (one `pg_notify` per `p_per_message` digests, each
//!   payload a
//!   [`RevocationNotice`](tower_revoke::store::RevocationNotice)). Its
//!   rows' `r_notices` is 0: the notices are
//!   the batch's, not any one revocation's. PostgreSQL delivers them at
//!   commit, as before.
//!
//! `tower_revoke_revoke_one` stays, for instances still on version 7.
//!
//! `SET search_path FROM CURRENT` (on the batch function) resolves the
//! tables in the schema the migration ran in, whatever the caller's
//! `search_path`; the functions it calls inherit it.

/// The name, arguments, columns and settings of
/// `tower_revoke_revoke_batch`, up to the opening of its body: the same in
/// migration 7, which creates it, and in 8, which replaces it (`CREATE OR
/// REPLACE` keeps a function's arguments and columns).
macro_rules! batch_signature {
    () => {
        "tower_revoke_revoke_batch(
    p_digests BYTEA[], p_client_ids TEXT[], p_now BIGINT, p_access_token_revokes_grant BOOLEAN,
    p_channel TEXT, p_per_message BIGINT)
RETURNS TABLE (r_position INTEGER, r_kind TEXT, r_own BOOLEAN, r_revocable BOOLEAN,
               r_active BOOLEAN, r_revoked BOOLEAN, r_cascaded BIGINT, r_notices BIGINT)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $revoke_batch$
"
    };
}

/// Creates the two functions (see the module docs).
pub(in crate::postgres) const SCHEMA_V7: &str = concat!(
    "
CREATE FUNCTION tower_revoke_revoke_one(BYTEA, TEXT, BIGINT, BOOLEAN, TEXT, BIGINT)
RETURNS TABLE (r_kind TEXT, r_own BOOLEAN, r_revocable BOOLEAN, r_active BOOLEAN,
               r_revoked BOOLEAN, r_cascaded BIGINT, r_notices BIGINT)
LANGUAGE plpgsql AS $revoke_one$
BEGIN
    RETURN QUERY",
    revoke!(),
    ";
END $revoke_one$;

CREATE FUNCTION ",
    batch_signature!(),
    "BEGIN
    FOR i IN 1 .. coalesce(array_length(p_digests, 1), 0) LOOP
        RETURN QUERY SELECT i, one.* FROM tower_revoke_revoke_one(
            p_digests[i], p_client_ids[i], p_now, p_access_token_revokes_grant,
            p_channel, p_per_message) AS one;
    END LOOP;
END $revoke_batch$;
"
);

/// Creates `tower_revoke_revoke_quiet` and replaces
/// `tower_revoke_revoke_batch` (see the module docs).
pub(in crate::postgres) const SCHEMA_V8: &str = concat!(
    "
CREATE FUNCTION tower_revoke_revoke_quiet(BYTEA, TEXT, BIGINT, BOOLEAN)
RETURNS TABLE (r_kind TEXT, r_own BOOLEAN, r_revocable BOOLEAN, r_active BOOLEAN,
               r_revoked BOOLEAN, r_cascaded BIGINT, r_digests BYTEA[])
LANGUAGE plpgsql AS $revoke_quiet$
BEGIN
    RETURN QUERY",
    revoke_ctes!(),
    revoke_facts!(),
    "
       ARRAY(SELECT digest FROM revoked) AS digests
FROM target;
END $revoke_quiet$;

CREATE OR REPLACE FUNCTION ",
    batch_signature!(),
    "DECLARE
    one RECORD;
    ended BYTEA[] := '{}';
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_digests, 1), 0) LOOP
        FOR one IN SELECT * FROM tower_revoke_revoke_quiet(
            p_digests[i], p_client_ids[i], p_now, p_access_token_revokes_grant)
        LOOP
            ended := ended || one.r_digests;
            r_position := i;
            r_kind := one.r_kind;
            r_own := one.r_own;
            r_revocable := one.r_revocable;
            r_active := one.r_active;
            r_revoked := one.r_revoked;
            r_cascaded := one.r_cascaded;
            r_notices := 0;
            RETURN NEXT;
        END LOOP;
    END LOOP;
    PERFORM * FROM (
        WITH revoked AS (SELECT digest FROM unnest(ended) AS e (digest)),",
    notices!("p_channel", "p_per_message"),
    "
        SELECT count(*) FROM notices) AS sent;
END $revoke_batch$;
"
);

/// Revocations together, in one statement: `$1` their digests, `$2` the
/// asking clients' ids (one per digest), then as `REVOKE`'s `$3` .. `$6`
/// (now, whether an access token ends its grant, the notice channel,
/// digests per notice). A row per known token: its position in `$1`
/// (from 1), then `REVOKE`'s columns.
pub(in crate::postgres) const REVOKE_BATCH: &str =
    "SELECT * FROM tower_revoke_revoke_batch($1, $2, $3, $4, $5, $6)";
