//! Concurrency (many tasks revoking tokens and grants at once) and what a
//! store keeps (no raw token or secret).

use super::{assert_active, client, request, GRANTS, SECRETS};
use crate::store::RevocationOutcome::NotFound;
use crate::store::{
    ClientType, IntrospectionStore, RevocationOutcome, RevocationStore, SubjectRevocationStore,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Even grants: `R` twice and `A` twice at once; odd grants: `A` three
/// times. Exactly one `Revoked` per token, and an exact end state.
pub(in crate::testkit) async fn concurrent_revocations<St>(store: Arc<St>)
where
    St: RevocationStore + IntrospectionStore,
{
    let check = "concurrent_revocations";
    let client = Arc::new(client("app1", ClientType::Public));
    let mut tasks = Vec::new();
    for g in 0..GRANTS {
        let targets: &[&str] = if g % 2 == 0 {
            &["R", "A", "R", "A"]
        } else {
            &["A", "A", "A"]
        };
        for name in targets {
            let (store, client, token) = (
                Arc::clone(&store),
                Arc::clone(&client),
                format!("{name}{g}"),
            );
            tasks.push(tokio::spawn(async move {
                let outcome = store.revoke(&client, &request(&token, None)).await;
                (
                    token,
                    outcome.unwrap_or_else(|e| panic!("revoke failed: {e}")),
                )
            }));
        }
    }
    let mut revoked = HashMap::<String, usize>::new();
    for task in tasks {
        let (token, outcome) = task.await.expect("a revocation task");
        let counted = matches!(outcome, RevocationOutcome::Revoked { .. });
        assert!(
            counted || outcome == NotFound,
            "conformance check {check:?}: {token} {outcome:?}"
        );
        *revoked.entry(token).or_default() += usize::from(counted);
    }
    for g in 0..GRANTS {
        let (a, b, r) = (format!("A{g}"), format!("B{g}"), format!("R{g}"));
        if g % 2 == 0 {
            assert_eq!(
                revoked[&r], 1,
                "conformance check {check:?}: {r} revoked once"
            );
            assert!(
                revoked[&a] <= 1,
                "conformance check {check:?}: {a} revoked at most once"
            );
            assert_active(check, &*store, &[(&a, false), (&b, false), (&r, false)]).await;
        } else {
            assert_eq!(
                revoked[&a], 1,
                "conformance check {check:?}: {a} revoked once"
            );
            assert_active(check, &*store, &[(&a, false), (&b, true), (&r, true)]).await;
        }
    }
}

pub(in crate::testkit) async fn concurrent_subject_revocations<St>(store: Arc<St>)
where
    St: IntrospectionStore + SubjectRevocationStore,
{
    let check = "concurrent_subject_revocations";
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let revoked = store
                    .revoke_subject_tokens(&format!("s{}", i % 2), &[])
                    .await;
                revoked.unwrap_or_else(|e| panic!("revoke_subject_tokens failed: {e}"))
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("a revocation task");
    }
    // Subjects s0 and s1 hold grants 0, 1, 4, 5, ...: half the grants.
    assert_eq!(
        total,
        (GRANTS as u64 / 2) * 3,
        "conformance check {check:?}: counted once"
    );
    assert_active(
        check,
        &*store,
        &[("A0", false), ("R5", false), ("B2", true)],
    )
    .await;
}

pub(in crate::testkit) fn no_raw_secrets(dump: String) {
    let seed = crate::testkit::seed();
    let tokens = seed.tokens().iter().map(|t| t.token.secret());
    for value in tokens.chain(SECRETS.iter().copied()) {
        assert!(
            !dump.contains(value),
            "conformance check \"no_raw_secrets\": the store keeps {value:?}"
        );
    }
}
