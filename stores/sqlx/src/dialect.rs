//! [`Dialect`]: one database's SQL for the statements both stores run
//! alike, so that the code binding their parameters and reading their
//! results is written once ([`Shared`](crate::shared::Shared),
//! [`migrate`](crate::migrate)).
//!
//! Each store's `sql` module implements it beside the statements only that
//! store runs (PostgreSQL's one-statement revocation with its notices,
//! SQLite's revocation in steps). Parameters are numbered as noted on each
//! constant: `$1`, `$2`, ... on PostgreSQL, `?1`, `?2`, ... on SQLite.

/// The SQL of one database for the statements the stores share, and the
/// one thing about a statement's result that sqlx has no trait for.
pub(crate) trait Dialect: sqlx::Database {
    /// Applied migrations, created by `migrate()` before anything else.
    const MIGRATIONS_TABLE: &'static str;

    /// The latest applied migration's version, 0 for none.
    const MIGRATED_VERSION: &'static str;

    /// Records a migration: (1) version, (2) description, (3) Unix seconds.
    const RECORD_MIGRATION: &'static str;

    /// The migrations' scripts, in order: version 1 creates the clients,
    /// grants and tokens (see the crate docs), version 2 the JWT deny-list,
    /// version 3 adds the tokens' `rotated_at`, version 4 their `scope`,
    /// version 5 the clients' keys and the used client assertions,
    /// version 6 the token status lists and their triggers, versions 7
    /// and 8 PostgreSQL's batched revocation (nothing on SQLite).
    const SCHEMA: [&'static str; 8];

    /// Registers a client unless its id is taken (nothing changes then):
    /// one row affected when this call registered it. (1) client id,
    /// (2) secret digest, `NULL` without a secret, (3) `jwks` and (4)
    /// `jwks_uri`, `NULL` without keys (at most one set).
    const REGISTER_CLIENT: &'static str;

    /// A client's `secret_digest` (`NULL` without a secret) and whether it
    /// has keys (`jwks` or `jwks_uri`), no row for an unknown one:
    /// (1) client id.
    const CLIENT: &'static str;

    /// A client's `jwks` and `jwks_uri` (both `NULL` without keys), no row
    /// for an unknown one: (1) client id.
    const CLIENT_KEYS: &'static str;

    /// An active token's client id, kind, subject, scope and expiry, no row for
    /// any other token (a rotated refresh token is not active): (1) digest,
    /// (2) now.
    const INTROSPECT: &'static str;

    /// Denies a JWT unless a live entry denies it already (an entry that
    /// lapsed is replaced): one row affected when this call denied it.
    /// (1) issuer, (2) jti, (3) until, (4) now.
    const DENY_JWT: &'static str;

    /// Whether a JWT is denied: by its (issuer, jti), or by its subject's
    /// cutoff. (1) issuer, (2) jti, (3) subject, (4) issued at, (5) now.
    const JWT_DENIED: &'static str;

    /// Records a subject's cutoff unless a later one is recorded.
    /// (1) issuer, (2) subject, (3) cutoff.
    const DENY_SUBJECT_JWTS: &'static str;

    /// Deletes a batch of expired tokens: (1) now, (2) batch size.
    const PURGE_TOKENS: &'static str;

    /// Deletes a batch of lapsed deny-list entries: (1) now, (2) batch size.
    const PURGE_DENIED_JWTS: &'static str;

    /// Deletes a batch of grants no token refers to any more: (1) batch
    /// size.
    const PURGE_GRANTS: &'static str;

    /// Deletes a batch of expired records of used client assertions:
    /// (1) now, (2) batch size.
    const PURGE_ASSERTIONS: &'static str;

    /// How many rows a statement inserted, updated or deleted.
    fn rows_affected(done: &Self::QueryResult) -> u64;
}

/// The SQL of one database for the token status lists
/// ([`status`](crate::status)), which both stores run alike. Whether a
/// status is INVALID is kept by the triggers of version 6 (see the crate
/// docs), not by these statements.
pub(crate) trait StatusDialect: Dialect {
    /// The newest list's number and capacity, no row when none is open.
    const NEWEST_LIST: &'static str;

    /// Opens a list unless that number is taken (nothing changes then):
    /// one row affected when this call opened it. (1) number,
    /// (2) capacity.
    const OPEN_LIST: &'static str;

    /// Allocates the first of the drawn indices that no slot of the list
    /// holds, for a JWT: its index returned, no row when every drawn index
    /// is taken (or another allocation took the free one meanwhile).
    /// (1) list, (2) the drawn indices in the order to try them (a JSON
    /// array of integers), (3) issuer, (4) jti, (5) subject, (6) issued
    /// at, (7) expires at. The slot starts INVALID when the subject's
    /// cutoff covers it or its jti is denied.
    const ALLOCATE: &'static str;

    /// Whether one of the drawn indices is free in the list: (1) list,
    /// (2) the drawn indices (a JSON array).
    const ANY_FREE: &'static str;

    /// Binds a slot not bound yet to a token (one row affected), INVALID
    /// at once when the token or its grant is revoked already. (1) list,
    /// (2) index, (3) the token's digest.
    const BIND: &'static str;

    /// A list's version, which the triggers move with its statuses; no row
    /// for a list never opened. (1) list.
    const VERSION: &'static str;

    /// A list's capacity and version with each of its INVALID indices,
    /// ascending, in one statement (one snapshot): a row with a `NULL`
    /// index for a list without any, no row for a list never opened.
    /// (1) list.
    const LIST: &'static str;

    /// The numbers of every list opened, ascending.
    const LISTS: &'static str;
}
