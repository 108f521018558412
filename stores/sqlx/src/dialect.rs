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
    /// version 6 the token status lists and their triggers.
    const SCHEMA: [&'static str; 6];

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
