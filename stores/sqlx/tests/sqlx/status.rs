//! Token status lists across two instances of the app on one database
//! (another pool in the same PostgreSQL schema, another pool on the same
//! SQLite file), beyond the conformance kit's single handle: a
//! revocation answered by one instance, through the code paths that
//! existed before status lists, shows at once in the other's list;
//! concurrent allocations and openings of lists on both never allocate a
//! slot twice; revocations racing bindings fail nothing and lose nothing
//! (`status_locks` shows each interleaving PostgreSQL's locks order).

use crate::support::scenarios::revoke;
use std::collections::HashSet;
use tower_revoke::request::Token;
use tower_revoke::store::{JwtRecord, StatusAllocation, StatusSlot};
use tower_revoke::{
    testkit, IssuanceStore, JwtDenyList, RevocationOutcome, RevocationStore, StatusListStore,
    SubjectRevocationStore,
};

/// What the scenarios need of each instance.
pub trait Instance:
    StatusListStore
    + JwtDenyList
    + IssuanceStore
    + RevocationStore
    + SubjectRevocationStore
    + Clone
    + 'static
{
}

impl<S> Instance for S where
    S: StatusListStore
        + JwtDenyList
        + IssuanceStore
        + RevocationStore
        + SubjectRevocationStore
        + Clone
        + 'static
{
}

const ISSUER: &str = "https://as.example";
/// 2100-01-01T00:00:00Z.
const FAR: u64 = 4_102_444_800;

async fn allocate(
    store: &impl StatusListStore,
    jti: &str,
    subject: &str,
    capacity: u32,
) -> StatusSlot {
    let allocation = StatusAllocation {
        issuer: ISSUER,
        jti,
        subject,
        issued_at: 1_000,
        expires_at: FAR,
        capacity,
    };
    store.allocate_status(&allocation).await.expect("allocate")
}

async fn bind(store: &impl StatusListStore, slot: StatusSlot, token: &str) {
    let token = Token::new(token).unwrap();
    assert!(
        store.bind_status(slot, &token).await.expect("bind"),
        "{slot:?}"
    );
}

/// Whether `slot` is INVALID, and its list's version, as `store` reads them.
async fn status(store: &impl StatusListStore, slot: StatusSlot) -> (bool, u64) {
    let state = store.status_list(slot.list).await.expect("read");
    let state = state.expect("the list exists");
    (
        state.invalid.binary_search(&slot.idx).is_ok(),
        state.version,
    )
}

/// `slot` is INVALID on `first` right after `second` answered the
/// revocation `step`, and both read the list at one version, later than
/// `before`; returns it.
async fn shows(
    (first, second): (&impl Instance, &impl Instance),
    slot: StatusSlot,
    before: u64,
    step: &str,
) -> u64 {
    let (invalid, version) = status(first, slot).await;
    assert!(invalid, "{step}: INVALID on the other instance");
    assert!(
        version > before,
        "{step}: the version moved ({before} to {version})"
    );
    assert_eq!(
        status(second, slot).await,
        (true, version),
        "{step}: both agree"
    );
    version
}

/// Every revocation `second` answers through the code that existed before
/// status lists (a denied jti, a subject's cutoff, a refresh token's grant
/// cascade, a subject's revocation by label) shows in `first`'s next read
/// of the list, with a new version; nothing else changes.
pub async fn revocations_show_on_the_other_instance(first: impl Instance, second: impl Instance) {
    first.seed(&testkit::seed()).await.expect("seed");
    let denied = allocate(&first, "jd", "x", 1 << 10).await;
    let cutoff = allocate(&first, "jc", "zed", 1 << 10).await;
    let cascade = allocate(&first, "ja", "x", 1 << 10).await;
    let labelled = allocate(&first, "jl", "x", 1 << 10).await;
    let untouched = allocate(&first, "ju", "x", 1 << 10).await;
    bind(&first, cascade, "AT2").await; // of grant G2, which RT2 ends
    bind(&first, labelled, "gh1").await; // alice's, provider github
    bind(&first, untouched, "AT1").await;
    let both = (&first, &second);
    let version = status(&first, denied).await.1;

    let jwt = JwtRecord {
        issuer: ISSUER,
        jti: "jd",
        subject: "x",
        issued_at: 1_000,
    };
    assert!(second.deny_jwt(&jwt, FAR).await.unwrap());
    let version = shows(both, denied, version, "deny_jwt").await;

    second
        .deny_subject_jwts(ISSUER, "zed", 1_000)
        .await
        .unwrap();
    let version = shows(both, cutoff, version, "deny_subject_jwts").await;

    let outcome = revoke(&second, "RT2").await;
    assert!(matches!(
        outcome,
        RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    let version = shows(both, cascade, version, "revoke RT2").await;

    let github = [("provider", "github")];
    assert_eq!(
        second
            .revoke_subject_tokens("alice", &github)
            .await
            .unwrap(),
        1
    );
    shows(both, labelled, version, "revoke_subject_tokens").await;

    assert!(!status(&first, untouched).await.0, "nothing else changed");
}

/// Allocations on both instances at once, in lists of 8 so that many are
/// opened concurrently: every slot distinct and in range, the lists
/// numbered from 1 without a gap.
pub async fn concurrent_allocations_on_two_instances(first: impl Instance, second: impl Instance) {
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let (first, second) = (first.clone(), second.clone());
            tokio::spawn(async move {
                let mut slots = Vec::new();
                for n in 0..6 {
                    let jti = format!("c{task}-{n}");
                    slots.push(match task % 2 {
                        0 => allocate(&first, &jti, "s", 8).await,
                        _ => allocate(&second, &jti, "s", 8).await,
                    });
                }
                slots
            })
        })
        .collect();
    let mut all = HashSet::new();
    for task in tasks {
        for slot in task.await.expect("an allocation task panicked") {
            assert!(slot.idx < 8 && all.insert(slot), "{slot:?} allocated twice");
        }
    }
    assert_eq!(all.len(), 96);
    let lists = first.status_lists().await.unwrap();
    let newest = all.iter().map(|s| s.list).max().unwrap();
    assert_eq!(lists, (1..=newest).collect::<Vec<_>>());
}

const GRANTS: usize = 24;

/// Bindings on one instance racing revocations on the other: grant `g`'s
/// access token `B{g}` revoked itself, then its refresh token `R{g}`,
/// which ends `A{g}` with the grant. No call fails (a deadlock would) and
/// every slot ends INVALID, whether the revocation or the binding came
/// first.
pub async fn revocations_racing_bindings_are_never_lost(
    first: impl Instance,
    second: impl Instance,
) {
    first
        .seed(&testkit::grant_seed(GRANTS))
        .await
        .expect("seed");
    let mut slots = Vec::new();
    for g in 0..GRANTS {
        let a = allocate(&first, &format!("a{g}"), "s", 1 << 12).await;
        let b = allocate(&first, &format!("b{g}"), "s", 1 << 12).await;
        slots.push((g, a, b));
    }
    let binds = tokio::spawn({
        let (first, slots) = (first.clone(), slots.clone());
        async move {
            for (g, a, b) in slots {
                bind(&first, b, &format!("B{g}")).await;
                bind(&first, a, &format!("A{g}")).await;
            }
        }
    });
    for g in 0..GRANTS {
        revoke(&second, &format!("B{g}")).await;
        revoke(&second, &format!("R{g}")).await;
    }
    binds.await.expect("the binding task panicked");
    for (g, a, b) in slots {
        assert!(status(&first, a).await.0, "A{g}: ended with its grant");
        assert!(status(&first, b).await.0, "B{g}: revoked itself");
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use crate::support::sqlite::TestFile;
    use tower_revoke_sqlx::SqliteStore;

    /// Two stores on one file: each its own pool, as two processes.
    async fn instances(file: &TestFile) -> (SqliteStore, SqliteStore) {
        let first = SqliteStore::new(file.pool(4).await);
        first.migrate().await.expect("migrate");
        let second = SqliteStore::open(file.path()).await.expect("open again");
        (first, second)
    }

    macro_rules! on_two_instances {
        ($($scenario:ident),+) => {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $scenario() {
                let file = TestFile::new();
                let (first, second) = instances(&file).await;
                super::$scenario(first, second).await;
            }
        )+};
    }

    on_two_instances!(
        revocations_show_on_the_other_instance,
        concurrent_allocations_on_two_instances,
        revocations_racing_bindings_are_never_lost
    );
}

#[cfg(feature = "postgres")]
mod postgres {
    use crate::support::postgres::TestSchema;
    use crate::support::postgres_url;
    use tower_revoke_sqlx::PostgresStore;

    /// Two stores in one fresh schema, each on a pool of its own.
    async fn instances(test: &str) -> Option<(PostgresStore, PostgresStore, TestSchema)> {
        let url = postgres_url(test)?;
        let schema = TestSchema::create(&url, 8).await;
        let first = PostgresStore::new(schema.pool.clone());
        first.migrate().await.expect("migrate");
        let second = PostgresStore::new(schema.another_pool(8).await);
        Some((first, second, schema))
    }

    macro_rules! on_two_instances {
        ($($scenario:ident),+) => {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $scenario() {
                let Some((first, second, _schema)) = instances(stringify!($scenario)).await else {
                    return;
                };
                super::$scenario(first, second).await;
            }
        )+};
    }

    on_two_instances!(
        revocations_show_on_the_other_instance,
        concurrent_allocations_on_two_instances,
        revocations_racing_bindings_are_never_lost
    );
}
