//! `cargo run --example demo`: an axum app with `POST /oauth/revoke`,
//! `POST /oauth/introspect`, `GET /me` behind the Bearer guard and
//! `GET /.well-known/oauth-authorization-server`, on the store chosen by
//! `TOWER_REVOKE_STORE`, seeded from `examples/seed.json`, with CORS on the
//! revocation endpoint for the origins the seed's clients list.
//!
//! Environment:
//! - `TOWER_REVOKE_STORE`: `memory` (default), `sqlite://PATH` (created if
//!   missing), `postgres://USER@HOST:PORT/DB` or `redis://HOST:PORT/DB`;
//!   the durable stores keep revocations across restarts.
//! - `TOWER_REVOKE_SEED` (default `examples/seed.json`): loaded at start,
//!   idempotently (a restart never re-activates a revoked token).
//! - `TOWER_REVOKE_GUARD_CACHE` (default off): a duration such as `2s` or
//!   `500ms` puts a cache in front of `/me`'s Bearer check, reusing an
//!   active token's answer for at most that long; on PostgreSQL and Redis
//!   the store's revocation notices (LISTEN/NOTIFY, pub/sub) reach it
//!   within milliseconds from any instance.
//! - `TOWER_REVOKE_ISSUER` (default `http://` and the address): the issuer
//!   the metadata names and JWTs must carry, and the audience of
//!   `private_key_jwt` client assertions (RFC 7523): a seed client with
//!   `jwks` or `jwks_uri` authenticates with a JWT signed by its key at
//!   `POST /oauth/revoke`, `/oauth/introspect` and `/oauth/token`
//!   (`jwt-app` of the default seed, whose demo key is
//!   `examples/keys/jwt-app.pem`).
//! - `TOWER_REVOKE_CLIENT_ASSERTION_STRICT` (`true` or `false`, default
//!   `false`): `true` holds assertions to draft-ietf-oauth-rfc7523bis:
//!   `aud` the issuer alone (not an endpoint's URL, as most clients send
//!   today), `typ` absent or `client-authentication+jwt`.
//! - `TOWER_REVOKE_JWT_HS256_SECRET` (at least 32 bytes): turns on HS256
//!   JWT access tokens (RFC 9068): `POST /oauth/token` issues JWTs instead
//!   of opaque tokens, each recorded in the store in its grant, so that
//!   revoking or reusing a refresh token ends them; the demo prints one for
//!   alice.
//! - `TOWER_REVOKE_JWT_AUDIENCE`: the `aud` JWTs must name.
//! - `TOWER_REVOKE_AUDIT=1`: each revocation request's audit event as one
//!   line of JSON on stdout.
//! - `TOWER_REVOKE_ADDR` (default `127.0.0.1:3000`), `RUST_LOG`.
//!
//! ```sh
//! TOWER_REVOKE_STORE=sqlite://demo.db cargo run --example demo
//! ```
//!
//! The same program is the `tower-revoke-demo` binary.

#[tokio::main]
async fn main() {
    tower_revoke_examples::demo::run().await;
}
