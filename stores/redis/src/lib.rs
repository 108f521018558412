//! A Redis store for [`tower_revoke`]: the RFC 7009 revocation endpoint,
//! RFC 7662 introspection, the Bearer guard, bulk revocation, and the
//! issuance of an app's own token endpoint (recording tokens, rotating
//! refresh tokens with reuse detection), and `private_key_jwt` client
//! authentication (RFC 7523: registered keys, single-use assertions), and
//! the Token Status Lists of the JWTs an issuer mints, shared by every
//! instance of an app, on standalone Redis (7.0 or later) or Redis
//! Cluster.
//!
//! # Two minutes
//! ```no_run
//! use axum::{routing::get, Router};
//! use std::time::Duration;
//! use tower_revoke::cache::CachedStore;
//! use tower_revoke::{
//!     BearerAuthLayer, IntrospectionEndpointLayer, IssuanceStore, RevocationEndpointLayer,
//! };
//! use tower_revoke::store::Seed;
//! use tower_revoke_redis::RedisStore;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let store = RedisStore::connect("redis://127.0.0.1:6379/0").await?;
//!     store.seed(&Seed::from_file("seed.json")?).await?; // idempotent: run it at every start
//!
//!     // The Bearer guard answers from a cache, which the store's revocation
//!     // notices keep fresh (from every instance, within milliseconds).
//!     let cached = CachedStore::new(store.clone(), Duration::from_secs(2)).flush_on_cascade(false);
//!     tokio::spawn(store.listen(cached.invalidator()));
//!
//!     let app = Router::new()
//!         .route("/me", get(|| async { "hello" }).layer(BearerAuthLayer::new(cached)))
//!         // The endpoints answer from the store itself, never from the cache.
//!         .layer(IntrospectionEndpointLayer::new(store.clone())) // POST /introspect
//!         .layer(RevocationEndpointLayer::new(store)); // POST /revoke
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! # The guard cache, and what stays out of it
//! Put [`CachedStore`](tower_revoke::cache::CachedStore) only in front of
//! the Bearer guard, fed by [`RedisStore::listen`], and give the
//! introspection endpoint the store itself. An introspection answer must
//! be the store's: behind the cache, a token revoked directly in Redis (by
//! a script or another program, which sends no notice) or while the
//! listener was reconnecting would show `active: true` until the cache's
//! maximum staleness. The guard accepts that bound for speed; an
//! introspection client asks precisely because it wants the current
//! answer.
//!
//! [`RedisStore`] follows [`MemoryStore`](tower_revoke::MemoryStore)'s
//! rules exactly and passes `tower_revoke`'s conformance kit. It keeps
//! [`TokenDigest`](tower_revoke::store::TokenDigest)s and
//! [`SecretDigest`](tower_revoke::store::SecretDigest)s, never a token or a
//! secret. Revocation notices go out on a pub/sub channel; a
//! [`RevocationListener`] feeds them to the guard caches of every
//! instance.
//!
//! # Key layout
//! `P` is the [prefix](RedisStore::key_prefix) (default `trv`); `{...}` is the
//! hash tag that picks a key's Redis Cluster slot; ids in a tag have `%`,
//! `:`, `{` and `}` percent-encoded. `{P}` is the prefix as a tag: a
//! store's status lists share one slot. `<n>:<i>` names index `i` of status
//! list `n`, zero-padded to 20 and 8 digits.
//!
//! | key | type | holds | expires |
//! |---|---|---|---|
//! | `P:c:{<client_id>}` | string | `public`, `keys` (no secret, registered keys: confidential, `private_key_jwt` only), or `sha256:` and the hex digest of the secret | never |
//! | `P:ck:{<client_id>}` | hash | the client's registered keys (RFC 7591 §2): `jwks` (the JWK Set's JSON text) or `jwks_uri` | never |
//! | `P:ca:{<assertion digest>}` | string | `1`: the client assertion was used ([`ClientAssertionStore`](tower_revoke::ClientAssertionStore), RFC 7523 §3) | at its `expires_at` (PXAT) |
//! | `P:t:{<token digest>}` | hash | the token's record (below), or a tombstone | with the token |
//! | `P:g:{<client_id>:<grant_id>}` | sorted set | the digests of the grant's tokens, scored by when their keys expire | with its last token |
//! | `P:g:{<client_id>:<grant_id>}:ended` | string | `1`: the grant was ended | with the grant's set (after a reuse, not before the reused token's key) |
//! | `P:s:{<subject>}` | sorted set | the subject's token digests, scored alike | with its last token |
//! | `P:jd:{<issuer>:<jti>}` | string | `1`: the JWT is denied ([`JwtDenyList`](tower_revoke::JwtDenyList)) | when the entry lapses (PXAT) |
//! | `P:jc:{<issuer>:<subject>}` | string | the subject's JWT cutoff, Unix seconds (raised by a script, never lowered) | never |
//! | `P:sl:{P}` | hash | the status lists: `newest` (the newest list's number) and `capacity` (its capacity); `capacity:<n>` and `version:<n>` of each list `n` | never |
//! | `P:sl:{P}:<n>:allocated` | string (bitmap) | bit `i`: index `i` of list `n` was allocated (never cleared: no index is allocated twice) | never |
//! | `P:sl:{P}:<n>:bound` | string (bitmap) | bit `i`: the status was bound to its token | never |
//! | `P:sl:{P}:invalid` | sorted set | the INVALID statuses of every list, `<n>:<i>`, ordered by name (a list's are one range, by index) | never |
//! | `P:sj:{<issuer>:<jti>}` | set | the JWT's statuses (`<n>:<i>`; the slot of `P:jd:`) | with the JWT |
//! | `P:ss:{<issuer>:<subject>}` | sorted set | the statuses of the subject's JWTs, scored by `iat` (the slot of `P:jc:`) | with its last JWT |
//! | `P:sx:{<issuer>:<subject>}` | sorted set | the same, scored by when they expire (Unix milliseconds) | with its last JWT |
//! | `P:ts:{<token digest>}` | set | the statuses bound to the token (the slot of `P:t:`) | with the token |
//!
//! A token's hash holds `client`, `kind` (`access_token`, `refresh_token`),
//! `revocable` (`1`, `0`), and when set `grant`, `sub`, `scope` (RFC 6749
//! §3.3, as introspection reports it), `exp` (Unix seconds),
//! `label:<name>`; then, once they happen, `revoked` (revoked itself),
//! `cascade` (its revocation ends its grant), `ended` (its grant was
//! ended), `rotated` (a refresh token's first rotation, Unix milliseconds
//! by the server's clock). The hash alone tells whether a
//! token is active (stored, not expired, none of `revoked`, `ended`,
//! `rotated`), so introspection is one HMGET.
//!
//! A refresh token recorded without a grant rotates into a grant named
//! `rt:` and the hex digest of the token (keys
//! `P:g:{<client_id>:rt%3A<hex>}`), so that its reuse ends its successors.
//! A tombstone is a token hash holding only `ended`: a grant's end found
//! the token's digest in its set before the token was written (see
//! "Issuance"); it expires with the set's member, and the write keeps
//! `ended`.
//!
//! # Revocation
//! Every step is a Lua script on one key's slot; each runs atomically.
//! 1. On the token's slot: decide the outcome in the order of
//!    [`RevocationStore::revoke`](tower_revoke::RevocationStore::revoke)
//!    and, when revoking, set `revoked`. For a refresh token with a grant
//!    (or an expired refresh token of the calling client) it also sets
//!    `cascade` and replies the grant id. Of concurrent revocations of one
//!    token, exactly one sees it active, so exactly one is `Revoked`.
//! 2. On the grant's slot: set the grant's `ended` flag and reply its
//!    tokens.
//! 3. On each other token's slot (pipelined on the multiplexed
//!    connection): set `ended` (or leave a tombstone for a token not
//!    written yet); count the tokens this made inactive (`cascaded`).
//! 4. PUBLISH the digests of every token the revocation ended.
//!
//! `Ok` (and so the endpoint's 200) comes only after steps 1 to 3 all
//! succeeded. If step 2 or 3 fails (Redis went away midway), `revoke`
//! answers `Err` (503), and the refresh token, already revoked with
//! `cascade` set, finishes the cascade when revoked again (answered
//! `NotFound`, 200), which clients do on a 503. Between steps 1 and 3 (a
//! round trip or two) the grant's other tokens still introspect active; a
//! token stored into a grant after it ended is stored ended.
//!
//! Round trips: an unknown, another client's or a non-revocable token, 1;
//! an access token, 2 (the script, the PUBLISH); a refresh token with a
//! grant, 4 (the per-token scripts of step 3 are pipelined, 64 in flight,
//! so a larger grant adds bytes rather than round trips; one PUBLISH per
//! 120 digests). Introspection and client authentication, 1 each.
//!
//! A rotated refresh token is no longer active, so revoking it is as for
//! an expired one: by its client, it ends its grant, answered `NotFound`.
//!
//! Bulk revocation ([`SubjectRevocationStore`](tower_revoke::SubjectRevocationStore))
//! reads the subject's set, then runs one script per token, each revoking
//! it if active, revocable and labelled; concurrent calls count every
//! token once.
//!
//! # Issuance
//! [`IssuanceStore`](tower_revoke::IssuanceStore), for an app's own token
//! endpoint, with [`MemoryStore`](tower_revoke::MemoryStore)'s rules. A
//! token's keys live in its digest's slot, its grant's in the grant's, its
//! client's in the client's, so on Redis Cluster no one script sees them
//! all: each call is a few scripts, each deciding one thing atomically on
//! one slot, in an order that keeps the rules (the same steps on
//! standalone Redis).
//!
//! Registering a client is one script on its slot (`P:c:` and `P:ck:`
//! share the tag `{<client_id>}`): `SET NX` of its key, then its keys, so
//! a client is never seen without the keys it registered.
//! `AlreadyRegistered` leaves a stored secret digest, public or keys-only
//! client, and its keys as they are.
//!
//! Recording a token ([`record_token`](tower_revoke::IssuanceStore::record_token)):
//! 1. The client's key and the token's hash, read together: an unknown
//!    client is `UnknownClient`; a token stored already is
//!    `AlreadyRecorded` (same client, kind and grant) or `Conflict`.
//!    Nothing is written. (A malformed entry is `Invalid` before any.)
//! 2. The revocation barrier, one script on the grant's slot: an ended
//!    grant admits nothing (`GrantRevoked`, nothing written); otherwise the
//!    token's digest joins the grant's set.
//! 3. The token's hash is written (and its subject's index), unless a
//!    concurrent call stored the token first (that one decides, as in
//!    step 1).
//!
//! A revocation of the grant ends the tokens of its set (its steps 2 and
//! 3). If it comes before step 2, the grant refuses the token; if after,
//! it finds the digest in the set and ends the token, whose hash, if not
//! written yet, it leaves as a tombstone that step 3 writes onto, ended.
//! So an issuance racing a revocation never revives the grant, nor shows
//! a live token of an ended grant. Round trips: 3 (2 without a grant).
//!
//! Rotating a refresh token ([`rotate_refresh_token`](tower_revoke::IssuanceStore::rotate_refresh_token)):
//! 1. The successors must be new (their hashes are read together):
//!    otherwise `Conflict`, nothing changed.
//! 2. One script on the presented token's slot decides: not this client's
//!    refresh token, or dead without having been rotated: `InvalidGrant`;
//!    live and never rotated: marks it `rotated`, so exactly one of
//!    concurrent rotations is first; rotated, within the grace period:
//!    rotates again; otherwise reuse, and a presented token outside its
//!    grant (one recorded without a grant) is revoked by this script.
//! 3. Rotated: the successors join the grant (step 2 of recording, with the
//!    presented token's client and grant), then are written (step 3) while
//!    the presented token's digest is PUBLISHed. A successor sent without a
//!    subject is written, and indexed, as the presented token's subject's,
//!    and one sent without a scope with the presented token's scope, which
//!    the decision replies along with the grant (no round trip more). A
//!    grant ended since the decision refuses them and they are written
//!    ended: the rotation came first, the grant's end after it. Reused: the grant ends as in a
//!    revocation (its flag kept at least as long as the presented token's
//!    key), and every token this ended is PUBLISHed; `revoked` counts the
//!    ones that were live (a rotated refresh token is).
//!
//! Round trips: 4 for a rotation (the check, the decision, the barrier,
//! the writes with the PUBLISH alongside), 5 for a reuse (the check, the
//! decision, the grant's end, its marks pipelined, the PUBLISH); 2 for
//! `InvalidGrant`. Between the decision and the writes the presented token
//! is already inactive and its successors do not exist yet; nobody holds
//! them. Redis going away after the decision leaves the presented token
//! rotated without successors and the call answers `Err`: the client's
//! retry is reuse unless a grace period covers it, as for any store whose
//! acknowledgement is lost.
//!
//! # Client assertions
//! [`ClientAssertionStore`](tower_revoke::ClientAssertionStore), for
//! `private_key_jwt` client authentication (RFC 7523 §2.2, §3). A client
//! registered with keys (`jwks` or `jwks_uri`, RFC 7591 §2) has them in
//! `P:ck:{<client_id>}`, read by one HMGET; one with keys and no secret has
//! the value `keys`, so client authentication (still one GET) finds it
//! confidential: neither a secret nor `none` authenticates it.
//!
//! A used assertion is one `SET P:ca:{<digest>} 1 NX PXAT <expires_at>`,
//! the digest being [`AssertionDigest`](tower_revoke::store::AssertionDigest)
//! (the client id and `jti` hashed, never the `jti` itself): `OK` is its
//! first use, nil a replay. One command, atomic on the server: of
//! concurrent uses through any instance, exactly one is first. The key
//! vanishes by its time to live at `expires_at`, so an expired record is no
//! replay and nothing needs a sweep; an `expires_at` already past leaves no
//! key (Redis deletes a key whose PXAT has passed as it sets it). The
//! server's clock decides when a key lapses (see "Security" on clocks).
//! Round trips: reading a client's keys, 1; using an assertion, 1.
//!
//! # Status lists
//! [`StatusListStore`](tower_revoke::StatusListStore), for an issuer's
//! Token Status Lists (draft-ietf-oauth-status-list): the statuses of the
//! JWT access tokens it mints, beside the revocations that decide them.
//!
//! Allocating a status: one script on the lists' slot takes the first of
//! [`random_indices`](tower_revoke::store::random_indices) whose bit in the
//! newest list's `allocated` is clear, or opens the next list (at one random
//! index) when all 16 are taken. It checks the newest list the store last
//! saw and replies the current one otherwise (the call tries again), so
//! concurrent allocations on every instance get distinct statuses, and a
//! bit once set stays: no index is allocated twice (§13.3). Then the
//! status is indexed under its JWT (`P:sj:`) and its subject (`P:ss:`), one
//! script on each slot, sent together; each makes it INVALID at once when
//! the JWT is denied or the subject's cutoff reaches its `iat`, and a
//! denial or cutoff after it finds the status there. Binding: one script
//! on the lists' slot sets the `bound` bit (`false` when it was not
//! allocated, or set), then one on the token's slot adds the status to
//! `P:ts:` and makes it INVALID if the token is revoked already. Round
//! trips: 2 each. Reads: the lists, one HGET; a version, one HMGET; a list,
//! one script (capacity, version and INVALID indices read together).
//!
//! A status becomes INVALID in the script of the revocation that decides
//! it, and its list's `version:<n>` moves with it: the JWT's denial (one
//! script: `SET NX PXAT`, then `P:sj:`), a cutoff reaching its `iat`,
//! and every script that revokes a token or ends it with its grant
//! (revocation, each mark of a cascade, bulk revocation, a rotation): after
//! its own work, it reads whether the token's hash holds `revoked`, `ended`
//! or `cascade`, and if so makes the statuses in `P:ts:` INVALID. A
//! revocation that reaches no status costs its script one or two more O(1)
//! lookups (an HMGET of the token, a read of an absent index).
//!
//! On standalone Redis those scripts are given the lists' keys too, and
//! the revocation, the INVALID status and the version are one atomic step.
//! On Redis Cluster the lists' keys are in another slot: the script replies
//! the statuses, and a second script on the lists' slot makes them INVALID
//! before the call answers (the store asks the server which it is, once,
//! with `CLUSTER INFO`). A revocation answered shows in the list on every
//! instance either way; on a cluster, introspection may show it a round
//! trip before the list does, and a call failing between the two steps is
//! finished by the same revocation made again (a client retrying its 503,
//! a denial sent again): each script makes INVALID the statuses of every
//! token, JWT or subject it finds revoked, not only those it revoked.
//!
//! The indexes `P:sj:`, `P:ss:`, `P:sx:` and `P:ts:` expire with their JWT
//! ([`expired_retention`](RedisStore::expired_retention) after its `exp`),
//! after which a revocation no longer reaches its status; the lists never
//! expire. A list takes at most `capacity / 8` bytes per bitmap, and each
//! INVALID status a sorted set member.
//!
//! # Expiry
//! A token's hash expires (PEXPIREAT) [`expired_retention`](RedisStore::expired_retention)
//! after its `expires_at`, or after it was stored if that is later
//! (default one day; a revoked token's too): within that time revoking an
//! expired refresh token still ends its grant, as RFC 7009 §2.1 asks. A
//! token without `expires_at` never expires. Grant and subject sets score
//! each member by when its hash expires: every insertion drops members
//! already gone and sets the set's expiry to its last member's (none while
//! a member never expires), so the sets shrink and vanish on their own.
//!
//! # Durability
//! A 200 is only as durable as the Redis server's persistence. Without the
//! append-only file (`appendonly no`, Redis's default), a restart loses
//! every revocation since the last RDB snapshot: **revoked tokens come back
//! active**. We recommend `appendonly yes` with `appendfsync everysec` (at
//! most about one second of revocations lost in a power failure or kernel
//! crash; a crash of Redis alone loses nothing), or `appendfsync always`
//! for none. With replicas, a failover may lose the writes the replica had
//! not received: `WAIT 1 <ms>` is not used, so a 200 does not wait for a
//! replica.
//!
//! # Revocation notices
//! After a revocation is committed, its digests are PUBLISHed on the
//! [channel](RedisStore::channel) (default `tower-revoke:revocations`) as
//! [`RevocationNotice`](tower_revoke::store::RevocationNotice) payloads (at most
//! 120 digests a message). A failed PUBLISH is logged at WARN and does not
//! turn the 200 into an error: the revocation is committed, and a cache
//! that misses the notice answers from its entry at most its maximum
//! staleness longer. [`RevocationListener`] (or [`RedisStore::listen`],
//! with the client [`connect`](RedisStore::connect) kept) SUBSCRIBEs on a
//! dedicated connection and flushes its cache after every (re)connection,
//! since Redis drops messages for a disconnected subscriber.
//!
//! # Errors and timeouts
//! A Redis that is down, refuses or stalls answers `Err(StoreError)`
//! (503 `temporarily_unavailable` at the endpoint), never a false outcome.
//! Each store call is bounded by [`timeout`](RedisStore::timeout) (default
//! 3 s; a revocation's PUBLISH gets its own);
//! [`RedisStore::connection_manager_config`] bounds connecting and each
//! response to 2 s and keeps reconnection attempts short. The
//! [`ConnectionManager`](redis::aio::ConnectionManager) reconnects by
//! itself.
//!
//! # Redis Cluster
//! Build the store over a [`ClusterConnection`](redis::cluster_async::ClusterConnection)
//! (`RedisStore::new(cluster_client.get_async_connection().await?)`). No
//! script touches keys of two slots: a token's keys share its digest's
//! slot, a grant's set and flag share the grant's. A grant cascade, a
//! recording and a rotation span slots as described above, so their
//! atomicity is per step, with the ordering arguments given there (the
//! same on standalone Redis). The statuses a revocation makes INVALID are
//! the one difference: on a cluster they are a step of their own, on
//! standalone Redis part of the revocation's script (see "Status lists").
//! Pub/sub
//! messages reach every node, so a listener may connect to any node:
//! `RevocationListener::new(node_client, cache).channel(store.get_channel())`
//! (a store over a cluster connection has no [`redis::Client`] for
//! [`listen`](RedisStore::listen)). The tests run the conformance kit
//! (issuance, client assertions and status lists included) on standalone
//! Redis and on a three-primary cluster.
//!
//! # Security
//! Keys and values hold digests, ids, subjects, scopes, labels, clients'
//! public keys and the `jti`s of JWTs with a status: never a token, a
//! client secret or a client assertion's `jti`. Clocks: expiry decisions use the app's
//! clock (Unix seconds), key expiry the server's; keep them in sync (NTP).

#![deny(missing_docs, unreachable_pub, rust_2018_idioms)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Where things are. `RedisStore`'s inherent methods are split by concern,
// and each store trait method is one call to one of them:
//   store.rs    the struct, its constructors and options, and the helpers
//               every call goes through (`query`, `invoke`, `bounded`,
//               `set_until`)
//   read.rs     the reads on a request's path, one round trip each: client
//               authentication, introspection, the JWT deny-list check
//   revoke.rs   every write that ends tokens (revocation and its grant
//               cascade, bulk revocation), then its notice
//   deny.rs     the JWT deny-list's writes: denied JWTs, subject cutoffs
//   insert.rs   registering clients (with their keys), writing a token
//   issue.rs    issuance: recording tokens behind their grant's barrier,
//               rotating refresh tokens
//   assertion.rs  `private_key_jwt`: a client's keys, and each client
//               assertion's single use
//   status/     Token Status Lists: allocating and binding statuses
//               (mod.rs), reading lists (read.rs), running the scripts
//               that make statuses INVALID (settle.rs)
//   traits.rs   `RevocationStore`, `IntrospectionStore`,
//               `SubjectRevocationStore`, `JwtDenyList`, `IssuanceStore`,
//               `ClientAssertionStore`, `StatusListStore`, calling the
//               above
//   listen.rs   `RevocationListener`: the pub/sub channel for the loop in
//               `tower_revoke::store::NoticeListener`; `RedisStore::listen`
// and what they use:
//   scripts.rs  every Lua script, with what it reads, writes and replies
//               (those of the status lists in scripts/status.rs)
//   keys.rs     key names and their cluster hash tags
//   record.rs   what values hold: a token's hash fields, a client's value,
//               the clock, key expiry (`pxat`)
//   error.rs    Redis failures as `StoreError`s
mod assertion;
mod deny;
mod error;
mod insert;
mod issue;
mod keys;
mod listen;
mod read;
mod record;
#[cfg(feature = "testkit")]
mod reset;
mod revoke;
mod scripts;
mod status;
mod store;
mod traits;

pub use listen::RevocationListener;
pub use store::RedisStore;

/// The `redis` crate this store is built on, to build connections of the
/// same version.
pub use redis;

/// The README's Rust snippets, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
