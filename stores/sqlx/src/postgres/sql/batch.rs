//! Migration 7: revocations run together in one statement (the
//! [group commit](crate::PostgresStore#group-commit)), by two functions.
//!
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
//! `SET search_path FROM CURRENT` (on the batch function) resolves the
//! tables in the schema the migration ran in, whatever the caller's
//! `search_path`; the function it calls inherits it.

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

CREATE FUNCTION tower_revoke_revoke_batch(
    p_digests BYTEA[], p_client_ids TEXT[], p_now BIGINT, p_access_token_revokes_grant BOOLEAN,
    p_channel TEXT, p_per_message BIGINT)
RETURNS TABLE (r_position INTEGER, r_kind TEXT, r_own BOOLEAN, r_revocable BOOLEAN,
               r_active BOOLEAN, r_revoked BOOLEAN, r_cascaded BIGINT, r_notices BIGINT)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $revoke_batch$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_digests, 1), 0) LOOP
        RETURN QUERY SELECT i, one.* FROM tower_revoke_revoke_one(
            p_digests[i], p_client_ids[i], p_now, p_access_token_revokes_grant,
            p_channel, p_per_message) AS one;
    END LOOP;
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
