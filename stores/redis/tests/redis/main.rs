//! `RedisStore` against real Redis servers, one module a concern: the
//! conformance kit on a standalone server and on a cluster, expiry, seeding,
//! the store's options, revocation notices, and outages.
//!
//! Tests that use the shared server (`TOWER_REVOKE_TEST_REDIS_URL`, which
//! `scripts/services start` exports) are skipped with a printed reason when
//! it is unset, and fail when it is unset under CI; each keeps its keys
//! under a prefix and its notices on a channel of its own, so all run in
//! parallel in this one binary. The cluster and outage tests start
//! redis-servers of their own, on ports no other test of the binary is
//! given (`support::services::free_port`).
//!
//! | Behaviour | Module |
//! |-----------|--------|
//! | the conformance kit, JWT revocations across instances | [`conformance`] |
//! | client assertions: replays across instances, key expiry, keys-only clients | [`assertions`] |
//! | the conformance kit and notices on a cluster of three primaries | [`cluster`] |
//! | keys expire with their tokens | [`expiry`] |
//! | seeding is idempotent | [`seeding`] |
//! | status lists: a revocation through another instance, at once | [`status`] |
//! | `access_token_revokes_grant` | [`options`] |
//! | notices reach a listener on another connection | [`notices`] |
//! | a server that goes away and comes back | [`outage`] |

mod common;

mod assertions;
mod cluster;
mod conformance;
mod expiry;
mod issuance;
mod notices;
mod options;
mod outage;
mod seeding;
mod status;

use tower_revoke_test_support as support;
