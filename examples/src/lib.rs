//! The example apps of [tower-revoke](tower_revoke), as a library their
//! binaries (`cargo run --example <name>`) and their tests share.
//!
//! | app | module | binary |
//! |---|---|---|
//! | the demo: `POST /oauth/revoke`, `POST /oauth/introspect`, `GET /me`, RFC 8414 metadata, JWTs | [`demo`] | `examples/demo.rs` |
//! | the same endpoint on plain hyper | (in the binary) | `examples/hyper.rs` |
//! | Polar's `POST /v1/oauth2/revoke` | [`polar`] | `examples/polar.rs` |
//! | Notion's `POST /v1/oauth/revoke` | [`notion`] | `examples/notion.rs` |
//! | Voucherify's `POST /v1/oauth/token/revoke` | [`voucherify`] | `examples/voucherify.rs` |
//! | Codegen's `POST /v1/oauth/tokens/revoke` | [`codegen`] | `examples/codegen.rs` |
//!
//! Every binary reads its configuration from the environment ([`common`]),
//! runs on the store `TOWER_REVOKE_STORE` names ([`store`]: in memory,
//! SQLite, PostgreSQL or Redis), and serves through [`serve`]: header, idle
//! and request timeouts, a connection cap, and a backoff on accept errors.
//! The demo is also the binary `tower-revoke-demo`, which the process tests
//! (`tests/processes`) start, kill and restart.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(unreachable_pub, rust_2018_idioms)]

pub mod codegen;
pub mod common;
pub mod demo;
pub mod guard_cache;
pub mod mint;
pub mod notion;
pub mod polar;
pub mod resource_server;
pub mod serve;
pub mod store;
pub mod token;
pub mod voucherify;
