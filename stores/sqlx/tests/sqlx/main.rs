//! `PostgresStore` and `SqliteStore` against real databases, one module a
//! concern: the conformance kit and the scenarios both stores share
//! (`support::scenarios`), each on its database; revocation notices;
//! errors and an outage; round trips per call.
//!
//! The SQLite tests always run, each on a file of its own. The PostgreSQL
//! tests (feature `postgres`) use the shared server
//! (`TOWER_REVOKE_TEST_POSTGRES_URL`, which `scripts/services start`
//! exports), each in a schema, database or cluster of its own, so that all
//! run in parallel in this one binary: skipped with a printed reason when
//! the URL is unset, failed when it is unset under CI. The one test that
//! captures logs uses test-support's capture, the binary's only global
//! subscriber.
//!
//! | Behaviour | Module |
//! |-----------|--------|
//! | `SqliteStore`: the kit, the scenarios (client rows changed in the file seen within the client cache's staleness among them), concurrency, the file | [`sqlite`] |
//! | `PostgresStore`: the kit, the scenarios (client rows changed in the database seen within the client cache's staleness among them), migrations, a missing database | [`postgres`] |
//! | client assertions: replays across restarts and instances, a bounded table, keys-only clients | [`assertions`] |
//! | notices to a `RevocationListener`, reconnection | [`notices`] |
//! | a database that cannot answer is an `Err`, quickly | [`errors`] |
//! | PostgreSQL down and back, the same store | [`outage`] |
//! | one round trip per store call, none for a client check the client cache answers | [`round_trips`] |
//! | status lists on two instances: revocations seen at once, concurrent allocations, races | [`status`] |
//! | PostgreSQL's locks between statuses and revocations, each interleaving made to happen | [`status_locks`] |

mod support;

mod assertions;
mod errors;
mod issuance;
mod notices;
mod outage;
mod postgres;
mod round_trips;
mod sqlite;
mod status;
mod status_locks;
