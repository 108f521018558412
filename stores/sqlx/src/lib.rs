//! Durable stores for [tower-revoke]: revocations that survive restarts
//! and are seen by every instance of the app, in PostgreSQL
//! ([`PostgresStore`]) or one SQLite file ([`SqliteStore`]).
//!
//! Both implement every store trait of tower-revoke
//! ([`RevocationStore`](tower_revoke::RevocationStore),
//! [`IntrospectionStore`](tower_revoke::IntrospectionStore),
//! [`SubjectRevocationStore`](tower_revoke::SubjectRevocationStore),
//! [`JwtDenyList`](tower_revoke::JwtDenyList),
//! [`IssuanceStore`](tower_revoke::IssuanceStore),
//! [`ClientAssertionStore`](tower_revoke::ClientAssertionStore),
//! [`StatusListStore`](tower_revoke::StatusListStore)) with
//! exactly [`MemoryStore`](tower_revoke::MemoryStore)'s rules, and pass
//! tower-revoke's conformance kit (`tower_revoke::testkit`, feature
//! `testkit`). This crate is released in lockstep with tower-revoke and
//! pins it exactly (`=x.y.z`): one version of the store traits.
//!
//! # Two minutes
//! The README's example (`cargo add tower-revoke tower-revoke-sqlx axum
//! tokio --features tokio/full`), run as a doc test up to serving:
//! ```
//! use tower_revoke::{BearerAuthLayer, IssuanceStore, RevocationEndpointLayer};
//! use tower_revoke::store::Seed;
//! use tower_revoke_sqlx::SqliteStore;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! #   let dir = std::env::temp_dir().join(format!("tower-revoke-sqlx-doc-{}", std::process::id()));
//! #   std::fs::create_dir_all(&dir)?;
//! #   std::env::set_current_dir(&dir)?;
//!     // One file, created if missing; `PostgresStore` below for several hosts.
//!     let store = SqliteStore::open("revocations.db").await?;
//!     store.migrate().await?; // create or upgrade the tables: safe on every start
//!     let seed = Seed::from_json(
//!         r#"{
//!           "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
//!           "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1", "subject": "alice"}]
//!         }"#,
//!     )?;
//!     store.seed(&seed).await?; // idempotent: a revoked token stays revoked
//!
//!     let app = axum::Router::new()
//!         .route("/me", axum::routing::get(|| async { "hello" }))
//!         .layer(BearerAuthLayer::new(store.clone()))
//!         .layer(RevocationEndpointLayer::new(store)); // POST /oauth/revoke
//! #   std::fs::remove_dir_all(&dir)?;
//! #   if true { return Ok(()) } // the doc test stops before serving
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! ```
//! ```sh
//! curl -i http://127.0.0.1:3000/me -H 'Authorization: Bearer AT1'        # 200 hello
//! curl -i -u app1:s3cr3t -d token=AT1 http://127.0.0.1:3000/oauth/revoke  # 200 {}
//! curl -i http://127.0.0.1:3000/me -H 'Authorization: Bearer AT1'        # 401, revoked for good
//! ```
//! On PostgreSQL the store takes your pool (see [pool settings](#pool-settings));
//! the rest is the same:
//! ```no_run
//! use std::time::Duration;
//! use tower_revoke_sqlx::{sqlx::postgres::PgPoolOptions, PostgresStore};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let pool = PgPoolOptions::new()
//!         .acquire_timeout(Duration::from_secs(3)) // fail fast (503) while the database is down
//!         .connect_lazy("postgres://app@localhost/revocations")?;
//!     let store = PostgresStore::new(pool);
//!     store.create_database_if_missing().await?; // a fresh server: CREATE DATABASE revocations
//!     store.migrate().await?;
//!     // seed and serve as above
//!     Ok(())
//! }
//! ```
//!
//! # Features
//! - `postgres` (default): [`PostgresStore`].
//! - `sqlite` (default): [`SqliteStore`], with SQLite bundled.
//!
//! Queries are checked at run time (`sqlx::query`), so building needs no
//! database. TLS to PostgreSQL is sqlx's: enable `sqlx/tls-rustls` (or
//! `tls-native-tls`) in your own `Cargo.toml`. [`sqlx`] is re-exported.
//!
//! # Migrations and your own
//! `migrate()` records applied versions in `tower_revoke_migrations`, not
//! in sqlx's `_sqlx_migrations`: it is not sqlx's migrator, so the app's
//! own `sqlx::migrate!()` on the same database is left undisturbed (sqlx
//! 0.8 keeps every migrator's versions in that one table, where ours would
//! clash with yours). See [schema](#schema) for what it creates.
//!
//! # What the stores guarantee
//! - **Nothing usable at rest.** Tokens are stored as their SHA-256
//!   [`TokenDigest`](tower_revoke::store::TokenDigest), client secrets as their
//!   SHA-256 [`SecretDigest`](tower_revoke::store::SecretDigest); neither a token
//!   nor a secret is ever sent to the database, so none can appear in a
//!   dump, a query log or an error. Clients are authenticated with
//!   [`StoredClient::authenticate`](tower_revoke::store::StoredClient::authenticate):
//!   a constant-time comparison of digests, the same work for unknown
//!   clients. A used client assertion is kept as its
//!   [`AssertionDigest`](tower_revoke::store::AssertionDigest) (SHA-256 of
//!   the client id and the `jti`), never its `jti`.
//! - **A client with keys is never public.** A client registered with
//!   keys (`jwks` or `jwks_uri`, RFC 7591 §2) and no secret authenticates
//!   with `private_key_jwt` only (RFC 7523 §2.2), never with `none`.
//! - **A client assertion is used once.** Of concurrent uses of one
//!   assertion, from any number of connections or processes, exactly one
//!   is the first (RFC 7523 §3 item 7), and the record holds across
//!   restarts until the assertion expires. An expired record no longer
//!   counts; each use deletes a few expired ones as it records its own, so
//!   they never pile up, with no sweep that locks the table.
//! - **A 200 is committed.** A revocation is one transaction (on
//!   PostgreSQL one statement): the token and, for a refresh token, its
//!   whole grant are revoked before `Ok` returns.
//! - **No lost updates.** Of concurrent revocations of one token, from any
//!   number of connections or processes, exactly one reports `Revoked`;
//!   a grant ended by one of them stays ended.
//! - **Errors are errors.** A database that is down, a pool that timed out,
//!   a connection cut by a restart: each is `Err(StoreError)` (the endpoint
//!   answers 503 with `Retry-After` and nothing changed), never a made-up
//!   outcome. The pool reconnects by itself once the database is back. A
//!   [`StoreError`](tower_revoke::StoreError) names the operation and
//!   sqlx's message, which holds no bound value.
//! - **Issuance never revives a grant.** A token recorded into a grant
//!   that a revocation ended is refused (`GrantRevoked`), also when the two
//!   race; of concurrent rotations of one refresh token, exactly one
//!   rotates and the others are reuse, which ends the grant. How each
//!   store makes this atomic: [`PostgresStore`'s issuance](PostgresStore#issuance),
//!   [`SqliteStore`'s statements](SqliteStore#statements).
//! - **A status follows its revocation.** The statuses of Token Status
//!   Lists ([`StatusListStore`](tower_revoke::StatusListStore),
//!   draft-ietf-oauth-status-list-20) are kept beside the revocations
//!   that decide them, and triggers make a status INVALID inside the
//!   statement that revokes (see [the schema](#schema)): a list read by
//!   any instance once a revocation is answered shows it, with a new
//!   version. A status is never VALID again, and an index is never
//!   allocated twice, even after its token expired (§13.3: "The Status
//!   Issuer MUST prevent any unintended double allocation").
//! - **Time** is this process's clock in Unix seconds (as `MemoryStore`);
//!   a token is expired from its `expires_at` second on. A rotation is
//!   timed in milliseconds, for the grace period.
//!
//! # Round trips
//! On PostgreSQL each store call is one statement and one round trip on
//! the request's path, and client checks are mostly none (the rows of
//! known clients are held in process for at most a few seconds: see
//! [`PostgresStore`'s client cache](PostgresStore#client-cache)), so a
//! revocation request (client check, revoke) and an introspection request
//! cost one (two when the client's row is read), and a Bearer check one,
//! plus sqlx's pings (below); recording
//! an issued token and a refresh token's first rotation are one each, and
//! so are reading a client's keys and using a client assertion. A
//! refresh token presented again after its rotation (reuse, or within the
//! grace period) costs five: one statement, then a transaction of two.
//! Allocating a status costs two statements (the newest list, the slot),
//! more when the list is full or a concurrent allocation took the index
//! drawn; binding one, reading a list or its version one each. See
//! [`PostgresStore`]'s and [`SqliteStore`]'s docs.
//!
//! # Revocation notices (PostgreSQL)
//! For the guard caches of several app instances: every statement of
//! [`PostgresStore`] that ends tokens (a revocation and its grant cascade,
//! a bulk revocation, a refresh token's rotation, its reuse and the grant
//! that ends) also sends `pg_notify` with the digests of the tokens it
//! ended, as [`RevocationNotice`](tower_revoke::store::RevocationNotice)
//! payloads, on the store's [channel](PostgresStore::channel) (default
//! `tower_revoke_revocations`). They ride in the same statement (no extra
//! round trip) and PostgreSQL delivers them only after it commits.
//! [`RevocationListener`] `LISTEN`s on a connection of its own and feeds
//! any [`Invalidate`](tower_revoke::store::Invalidate) cache, flushing it on every
//! (re)connection since notices sent meanwhile are lost. `NOTIFY` takes a
//! database-wide lock at commit, which serialises the commits of
//! concurrent revocations (not of introspection); the benchmarks measure
//! the cost. SQLite has no such channel: a cache in front of
//! [`SqliteStore`] relies on its maximum staleness alone.
//!
//! # Pool settings
//! - `acquire_timeout`: sqlx waits 30 s by default for a connection; set 2
//!   to 5 s so that requests fail fast (503) while the database is down.
//! - `test_before_acquire` (sqlx default `true`) pings every connection
//!   before use: one more round trip per call, but a connection broken by
//!   a database restart is replaced before it is used, so no request fails
//!   after the database is back. With `false`, each broken connection fails
//!   one request (503) and is then replaced.
//! - A server that stops answering without closing connections makes a
//!   query wait: bound every request with a timeout around the app (as
//!   tower-revoke's serving examples do); a request cut short answers
//!   nothing, and its revocation either committed or did not.
//!
//! # Schema
//! Created by `migrate()` (the SQL is kept beside the code, in each
//! store's `sql` module; applied versions in `tower_revoke_migrations`),
//! the same on both databases (`BYTEA`/`JSONB`/`BIGINT` on PostgreSQL,
//! `BLOB`/JSON `TEXT`/`INTEGER` on SQLite). Times are Unix seconds.
//!
//! `tower_revoke_clients`: one row per client.
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `client_id` | text, primary key | the client id |
//! | `secret_digest` | 32 bytes or `NULL` | SHA-256 of the secret; `NULL` for a public client and one with keys only |
//! | `jwks` | text or `NULL` (version 5) | the client's JWK Set of public keys (RFC 7591 §2), as the JSON text registered, for `private_key_jwt` (RFC 7523 §2.2) |
//! | `jwks_uri` | text or `NULL` (version 5) | the URL of its JWK Set instead; at most one of the two is set |
//!
//! A client without a secret is public only if it has no keys either.
//!
//! `tower_revoke_grants`: one row per authorization grant of a client.
//! Revoking a grant is one write to its row, which ends every token of the
//! grant at once (tokens join their grant when read); a grant id is scoped
//! to its client, so two clients' grants never mix. Recording a token into
//! a grant and rotating a refresh token take the grant's row lock, so a
//! revocation of the grant and an issuance into it follow each other. A
//! refresh token recorded without a grant gets one when it is first
//! rotated, `rt:` and the hex of the token's digest, holding its
//! successors.
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `client_id`, `grant_id` | text, text; primary key | the grant; `client_id` references the clients |
//! | `revoked_at` | integer or `NULL` | when the grant was revoked |
//!
//! `tower_revoke_tokens`: one row per token.
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `digest` | 32 bytes, primary key | SHA-256 of the token: the lookup key |
//! | `kind` | text | `access_token` or `refresh_token` |
//! | `client_id` | text | the client it was issued to (references the clients) |
//! | `grant_id` | text or `NULL` | its grant; (`client_id`, `grant_id`) references the grants |
//! | `subject` | text or `NULL` | the resource owner |
//! | `scope` | text or `NULL` (version 4) | the scope granted, scope-tokens separated by single spaces (RFC 6749 §3.3), as introspection reports it; a rotation's successor recorded without one takes the presented token's |
//! | `labels` | JSON object of strings | labels for bulk revocation |
//! | `expires_at` | integer or `NULL` | expiry; `NULL` for never (times from `i64::MAX` on are stored as `i64::MAX`, reported as no expiry) |
//! | `revocable` | boolean | `false` for a token the store cannot revoke alone |
//! | `revoked_at` | integer or `NULL` | when the token itself was revoked |
//! | `rotated_at` | integer or `NULL` (version 3) | when a refresh token was first rotated, in Unix milliseconds; `NULL` for never |
//!
//! `tower_revoke_denied_jtis` (version 2): the JWT access tokens revoked
//! before their expiry ([`JwtDenyList`](tower_revoke::JwtDenyList)).
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `issuer`, `jti` | text, text; primary key | the JWT's `iss` and `jti` (RFC 9068 §2.2) |
//! | `denied_until` | integer | when the entry lapses (the token's `exp` plus the verifier's leeway); indexed for the purge |
//!
//! `tower_revoke_subject_cutoffs` (version 2): one row per subject whose JWTs
//! were revoked in bulk.
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `issuer`, `subject` | text, text; primary key | the JWTs' `iss` and `sub` |
//! | `revoked_through` | integer | JWTs issued (`iat`) at or before this are refused; only ever raised |
//!
//! `tower_revoke_assertions` (version 5): the client assertions used
//! (RFC 7523 §3 item 7), each until it expires
//! ([`ClientAssertionStore`](tower_revoke::ClientAssertionStore)).
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `digest` | 32 bytes, primary key | the [`AssertionDigest`](tower_revoke::store::AssertionDigest): SHA-256 of the client id and the assertion's `jti` |
//! | `expires_at` | integer | until when a use of the same assertion is a replay (its `exp` plus the verifier's leeway); indexed, for the deletion of expired records |
//!
//! `tower_revoke_status_lists` (version 6): the Token Status Lists
//! ([`StatusListStore`](tower_revoke::StatusListStore)), numbered from 1.
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `list_id` | integer, primary key | the list's number |
//! | `capacity` | integer | how many statuses it holds: a multiple of 8 up to 2^24, fixed when it is opened |
//! | `version` | integer | moved by a trigger in the commit that makes one of its statuses INVALID; never goes back |
//!
//! `tower_revoke_status_slots` (version 6): one row per status allocated,
//! never deleted (an index is never allocated again).
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `list_id`, `idx` | integer, integer; primary key | the slot: its list (references the lists) and its index, drawn at random below the list's capacity |
//! | `issuer`, `jti`, `subject` | text | the JWT's `iss`, `jti` and `sub`, which the deny-list matches (not secrets) |
//! | `issued_at`, `expires_at` | integer | the JWT's `iat` and `exp` |
//! | `token_digest` | 32 bytes or `NULL` | the bound token's [`TokenDigest`](tower_revoke::store::TokenDigest), as in `tower_revoke_tokens`; `NULL` until bound |
//! | `invalid` | boolean | the status: only ever goes from false (VALID) to true (INVALID) |
//!
//! Triggers (version 6) set `invalid` on the matching slots, inside the
//! statement that revokes, so the revocations decide the statuses with no
//! change to their code and in their commit: a row inserted or updated in
//! `tower_revoke_denied_jtis` (by `issuer`, `jti`) and in
//! `tower_revoke_subject_cutoffs` (by `issuer`, `subject`, and
//! `issued_at` up to the cutoff); a token's `revoked_at` or a grant's
//! `revoked_at` going from `NULL` to a time (by `token_digest`, for the
//! grant's tokens: a revocation, its grant cascade, a bulk revocation
//! with or without labels, a reused refresh token's end). A slot starts
//! INVALID when a cutoff or a denial already covers it, and is bound
//! INVALID to a token already revoked. A trigger on the slots moves the
//! list's `version` whenever one becomes INVALID. A revocation that
//! matches no slot costs the triggers one index lookup (a grant: one per
//! token of the grant). On PostgreSQL they are PL/pgSQL functions named
//! `tower_revoke_status_*` (created with the `search_path` of
//! `migrate()`), and they take transaction-scoped advisory locks (two-key,
//! first keys 7009 and 7010) so that allocations, cutoffs, bindings and
//! revocations racing each other see each other and never deadlock; on
//! SQLite, whose writers follow each other, they take none.
//!
//! Version 7 adds, on PostgreSQL only, two PL/pgSQL functions that run
//! several revocations in one statement, for the
//! [group commit](PostgresStore#group-commit):
//! `tower_revoke_revoke_batch(digests, client_ids, now,
//! access_token_revokes_grant, channel, digests_per_notice)` calls
//! `tower_revoke_revoke_one` (the single revocation's statement) for each
//! element, in order, and returns a row per known token with its position.
//! Version 8 adds `tower_revoke_revoke_quiet` (the same statement without
//! its notices, returning the digests it ended) and replaces the batch
//! function's body to call it and send the whole batch's notices together
//! at its end: one notification per 120 digests instead of one per
//! revocation. On SQLite, versions 7 and 8 change nothing.
//!
//! Indexes, each for one query: the primary keys serve client
//! authentication, revocation and introspection (one index lookup each);
//! `tower_revoke_tokens_grant` (`client_id`, `grant_id`) counts a grant's
//! tokens when it is ended and finds grants left without tokens;
//! `tower_revoke_tokens_subject` (`subject`) serves bulk revocation;
//! `tower_revoke_tokens_expiry` (`expires_at`) serves the purge (the last
//! three are partial: rows with a value only);
//! `tower_revoke_assertions_expiry` (`expires_at`) finds the expired
//! records of used assertions; `tower_revoke_status_slots_jti` (`issuer`,
//! `jti`), `tower_revoke_status_slots_subject` (`issuer`, `subject`,
//! `issued_at`) and `tower_revoke_status_slots_token` (`token_digest`,
//! partial) find the slots a revocation makes INVALID;
//! `tower_revoke_status_slots_invalid` (`list_id`, `idx`, partial: INVALID
//! statuses only) reads a list.
//!
//! A token is active while it is stored, `revoked_at` is `NULL` for it and
//! for its grant, `expires_at` is `NULL` or later than now, and
//! `rotated_at` is `NULL`. A rotated refresh token is kept (presented
//! again, it is reuse) and otherwise treated as an expired one. Rows are
//! never deleted except by
//! [`ExpiredDeletion::delete_expired`](tower_revoke::ExpiredDeletion::delete_expired), which also deletes lapsed
//! deny-list entries (subject cutoffs are kept) and expired records of used
//! assertions, and by
//! [`use_assertion`](tower_revoke::ClientAssertionStore::use_assertion),
//! which deletes up to 16 expired records of used assertions each time.
//! Status lists and slots are never deleted.
//!
//! [tower-revoke]: tower_revoke
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(unreachable_pub, rust_2018_idioms)]
#![cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]

mod assertion;
mod clients;
mod dialect;
mod error;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod group;
mod issuance;
mod migrate;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "testkit")]
mod reset;
mod rows;
#[cfg(feature = "sqlite")]
mod rules;
mod shared;
#[cfg(feature = "sqlite")]
mod sqlite;
mod status;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::{PostgresStore, RevocationListener};
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteStore;
/// The sqlx this crate is built on, for building pools of the same version.
pub use sqlx;

/// The README's Rust snippets, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Every public future can be spawned (`Send` for any lifetime, as
/// `tokio::spawn` asks): a compile-time check.
#[cfg(all(test, feature = "postgres", feature = "sqlite"))]
#[allow(dead_code, clippy::let_underscore_future)]
fn futures_can_be_spawned(pg: PostgresStore, lite: SqliteStore, seed: tower_revoke::store::Seed) {
    use tower_revoke::{ClientAssertionStore, ExpiredDeletion, IssuanceStore, StatusListStore};
    let digest = tower_revoke::store::AssertionDigest::of(
        &tower_revoke::client::ClientId::new("c").unwrap(),
        "j",
    );
    let (p, l) = (pg.clone(), lite.clone());
    let _ = tokio::spawn(async move { p.use_assertion(&digest, 1).await });
    let _ = tokio::spawn(async move { l.use_assertion(&digest, 1).await });
    let seed = std::sync::Arc::new(seed);
    let (p, l, s) = (pg.clone(), lite.clone(), seed.clone());
    let _ = tokio::spawn(async move { p.seed(&s).await });
    let (p, l2) = (pg.clone(), lite.clone());
    let _ = tokio::spawn(async move { p.migrate().await });
    let allocation = tower_revoke::store::StatusAllocation {
        issuer: "i",
        jti: "j",
        subject: "s",
        issued_at: 1,
        expires_at: 2,
        capacity: 8,
    };
    let (p, l3) = (pg.clone(), lite.clone());
    let _ = tokio::spawn(async move { p.allocate_status(&allocation).await });
    let _ = tokio::spawn(async move { l3.allocate_status(&allocation).await });
    let _ = tokio::spawn(async move { pg.delete_expired(1).await });
    let _ = tokio::spawn(async move { l.seed(&seed).await });
    let _ = tokio::spawn(async move { l2.migrate().await });
    let _ = tokio::spawn(async move { lite.delete_expired(1).await });
    let _ = tokio::spawn(async move { SqliteStore::open("x").await });
}
