//! Issuance (RFC 6749 §4, §5.1) and refresh token rotation with reuse
//! detection (RFC 6749 §6, RFC 9700 §4.14.2), for stores that implement
//! [`IssuanceStore`].

use super::{app1, assert_active, client, creds, facts, revoke, ACCESS, REFRESH};
use crate::client::{ClientAuthMethod, ClientId, ClientSecret};
use crate::request::Token;
use crate::store::{
    ClientEntry, ClientType, IntrospectionStore, IssuanceStore, Recording, Registration,
    RevocationStore, Rotation, RotationOutcome, TokenEntry, TokenKind,
};
use std::sync::Arc;
use std::time::Duration;

/// How many tasks rotate one refresh token at once.
const ROTATIONS: usize = 16;

fn entry(token: &str, kind: TokenKind, client_id: &str) -> TokenEntry {
    let token = Token::new(token).expect("a non-empty token");
    TokenEntry::new(token, kind, ClientId::new(client_id).expect("a valid id"))
}

fn rotation(presented: &str) -> (Rotation, String, String) {
    let (refresh, access) = (Token::generate(), Token::generate());
    let names = (refresh.secret().to_owned(), access.secret().to_owned());
    let app1 = ClientId::new("app1").expect("a valid id");
    let rotation = Rotation::new(
        Token::new(presented).expect("a non-empty token"),
        TokenEntry::new(refresh, REFRESH, app1.clone()),
        Some(TokenEntry::new(access, ACCESS, app1)),
    );
    (rotation, names.0, names.1)
}

async fn rotate<St: IssuanceStore>(store: &St, rotation: &Rotation) -> RotationOutcome {
    let outcome = store.rotate_refresh_token(&app1(), rotation).await;
    outcome.unwrap_or_else(|e| panic!("rotate_refresh_token failed: {e}"))
}

async fn record<St: IssuanceStore>(store: &St, entry: &TokenEntry) -> Recording {
    let recording = store.record_token(entry).await;
    recording.unwrap_or_else(|e| panic!("record_token failed: {e}"))
}

/// A new client is registered once; a second registration changes
/// nothing, its secret included; a public client authenticates with
/// `none`.
pub(in crate::testkit) async fn client_registration<St>(store: &St)
where
    St: IssuanceStore + RevocationStore,
{
    let check = "client_registration";
    let register = |id: &str, secret: Option<&str>| {
        let secret = secret.map(|s| ClientSecret::new(s).expect("a valid secret"));
        ClientEntry::new(ClientId::new(id).expect("a valid id"), secret)
    };
    let outcome = |entry: ClientEntry| async move {
        let registered = store.register_client(&entry).await;
        registered.unwrap_or_else(|e| panic!("register_client failed: {e}"))
    };
    assert_eq!(
        outcome(register("new1", Some("n3w"))).await,
        Registration::Registered,
        "{check}"
    );
    let again = outcome(register("new1", Some("other"))).await;
    assert_eq!(
        again,
        Registration::AlreadyRegistered,
        "{check}: a second registration"
    );
    let again = outcome(register("app1", None)).await;
    assert_eq!(
        again,
        Registration::AlreadyRegistered,
        "{check}: app1 stays confidential"
    );
    assert_eq!(
        outcome(register("newpub", None)).await,
        Registration::Registered,
        "{check}"
    );
    let authenticated = |id: &'static str, secret: Option<&'static str>, method| async move {
        let found = store.authenticate_client(&creds(id, secret, method)).await;
        found.unwrap_or_else(|e| panic!("authenticate_client failed: {e}"))
    };
    let basic = ClientAuthMethod::ClientSecretBasic;
    let kept = authenticated("new1", Some("n3w"), basic).await;
    assert_eq!(
        kept,
        Some(client("new1", ClientType::Confidential)),
        "{check}: first secret kept"
    );
    let replaced = authenticated("new1", Some("other"), basic).await;
    assert_eq!(replaced, None, "{check}: the second secret was not taken");
    let app1 = authenticated("app1", None, ClientAuthMethod::None).await;
    assert_eq!(app1, None, "{check}: app1 did not become public");
    let public = authenticated("newpub", None, ClientAuthMethod::None).await;
    assert_eq!(
        public,
        Some(client("newpub", ClientType::Public)),
        "{check}"
    );
}

/// Recording is idempotent, never moves a token between clients, kinds or
/// grants, needs a registered client, refuses a malformed entry, keeps the
/// token's scope for introspection (RFC 7662 §2.2), and never reopens a
/// revoked grant.
pub(in crate::testkit) async fn token_recording<St>(store: &St)
where
    St: IssuanceStore + RevocationStore + IntrospectionStore,
{
    let check = "token_recording";
    let issued = entry("NEW1", ACCESS, "app1")
        .with_grant_id("G9")
        .with_subject("carol")
        .with_scope("read write:all");
    assert_eq!(record(store, &issued).await, Recording::Recorded, "{check}");
    let scope = facts(store, "NEW1")
        .await
        .and_then(|f| f.scope().map(str::to_owned));
    assert_eq!(
        scope.as_deref(),
        Some("read write:all"),
        "conformance check {check:?}: the recorded scope"
    );
    assert_eq!(
        record(store, &issued).await,
        Recording::AlreadyRecorded,
        "{check}"
    );
    let elsewhere = [
        entry("NEW1", ACCESS, "app2").with_grant_id("G9"),
        entry("NEW1", ACCESS, "app1").with_grant_id("G8"),
        entry("NEW1", REFRESH, "app1").with_grant_id("G9"),
        entry("AT1", ACCESS, "app2"),
    ];
    for moved in &elsewhere {
        assert_eq!(
            record(store, moved).await,
            Recording::Conflict,
            "{check}: {moved:?}"
        );
    }
    let unknown = entry("NEW2", ACCESS, "nobody");
    assert_eq!(
        record(store, &unknown).await,
        Recording::UnknownClient,
        "{check}"
    );
    let malformed = [
        entry("NEW3", ACCESS, "app1").with_grant_id(""),
        entry("NEW3", ACCESS, "app1").with_scope("read  write"),
        entry("NEW3", ACCESS, "app1").with_scope(""),
    ];
    for invalid in &malformed {
        assert_eq!(
            record(store, invalid).await,
            Recording::Invalid,
            "{check}: {invalid:?}"
        );
    }
    // G1 ends with its refresh token; a token issued into it afterwards is
    // refused, so an issuance racing the revocation cannot revive it.
    revoke(store, &app1(), "RT1").await;
    let late = entry("NEW4", ACCESS, "app1").with_grant_id("G1");
    assert_eq!(
        record(store, &late).await,
        Recording::GrantRevoked,
        "{check}"
    );
    let tokens = [
        ("NEW1", true),
        ("NEW2", false),
        ("NEW3", false),
        ("NEW4", false),
    ];
    assert_active(check, store, &tokens).await;
    let ended = revoke(store, &app1(), "NEW1").await;
    assert!(
        matches!(ended, crate::store::RevocationOutcome::Revoked { .. }),
        "{check}"
    );
}

/// A refresh token rotates once; its successors join its grant, with its
/// subject and scope when sent without (RFC 6749 §6); presented again it is
/// reuse, which ends the whole grant. Only the client's own, live refresh
/// tokens rotate.
pub(in crate::testkit) async fn refresh_rotation<St>(store: &St)
where
    St: IssuanceStore + IntrospectionStore,
{
    let check = "refresh_rotation";
    let (first, refresh, access) = rotation("RT1");
    assert_eq!(
        rotate(store, &first).await,
        RotationOutcome::Rotated,
        "{check}"
    );
    let tokens = [
        ("RT1", false),
        ("AT1", true),
        (&refresh[..], true),
        (&access[..], true),
    ];
    assert_active(check, store, &tokens).await;
    // Successors sent without a subject and scope take the presented
    // token's.
    for successor in [&refresh, &access] {
        let facts = facts(store, successor).await;
        let carried = facts.as_ref().map(|facts| (facts.sub(), facts.scope()));
        assert_eq!(
            carried,
            Some((Some("alice"), Some("read write"))),
            "conformance check {check:?}: the subject and scope carry over"
        );
    }
    let (reuse, reuse_refresh, _) = rotation("RT1");
    let reused = rotate(store, &reuse).await;
    assert!(
        matches!(reused, RotationOutcome::Reused { revoked } if revoked >= 3),
        "{check}: {reused:?}"
    );
    let tokens = [
        ("AT1", false),
        (&refresh[..], false),
        (&access[..], false),
        (&reuse_refresh[..], false),
    ];
    assert_active(check, store, &tokens).await;
    let (next, ..) = rotation(&refresh);
    let after = rotate(store, &next).await;
    assert_eq!(
        after,
        RotationOutcome::InvalidGrant,
        "{check}: the successor died with its grant"
    );
    for presented in ["AT2", "XRT", "nothing", "OT1"] {
        let (attempt, ..) = rotation(presented);
        let outcome = rotate(store, &attempt).await;
        assert_eq!(
            outcome,
            RotationOutcome::InvalidGrant,
            "{check}: {presented}"
        );
    }
    // A refresh token recorded without a grant rotates into a grant of its
    // own, which its reuse ends. A successor's own scope is kept; one sent
    // without a scope, of a token without one, has none.
    let (mut own, own_refresh, own_access) = rotation("RT3");
    own.access_token = own.access_token.map(|access| access.with_scope("read"));
    assert_eq!(
        rotate(store, &own).await,
        RotationOutcome::Rotated,
        "{check}"
    );
    for (successor, expected) in [(&own_refresh, None), (&own_access, Some("read"))] {
        let facts = facts(store, successor).await;
        assert_eq!(
            facts.as_ref().map(|facts| facts.scope()),
            Some(expected),
            "conformance check {check:?}: a successor's own scope"
        );
    }
    let (again, ..) = rotation("RT3");
    assert!(
        matches!(rotate(store, &again).await, RotationOutcome::Reused { .. }),
        "{check}"
    );
    assert_active(check, store, &[(&own_refresh[..], false)]).await;
    // A successor token that is already recorded refuses the rotation.
    let (mut duplicate, ..) = rotation("RT2");
    duplicate.refresh_token.token = Token::new("AT2").expect("a non-empty token");
    assert_eq!(
        rotate(store, &duplicate).await,
        RotationOutcome::Conflict,
        "{check}"
    );
    assert_active(check, store, &[("AT2", true)]).await;
}

/// Within the grace period a rotated token may be presented again: each
/// presentation rotates to new tokens in the same grant, which take the
/// presented token's scope, and the grant lives on.
pub(in crate::testkit) async fn grace_period<St>(store: &St)
where
    St: IssuanceStore + IntrospectionStore + RevocationStore,
{
    let check = "grace_period";
    let grace = Duration::from_secs(3600);
    let (first, refresh1, access1) = rotation("RT2");
    assert_eq!(
        rotate(store, &first.with_grace(grace)).await,
        RotationOutcome::Rotated,
        "{check}"
    );
    let (retry, refresh2, access2) = rotation("RT2");
    let retried = rotate(store, &retry.with_grace(grace)).await;
    assert_eq!(
        retried,
        RotationOutcome::Rotated,
        "{check}: presented again within the grace period"
    );
    let tokens = [
        ("AT2", true),
        (&refresh1[..], true),
        (&access1[..], true),
        (&refresh2[..], true),
        (&access2[..], true),
    ];
    assert_active(check, store, &tokens).await;
    for successor in [&refresh1, &access1, &refresh2, &access2] {
        let scope = facts(store, successor).await;
        assert_eq!(
            scope.as_ref().and_then(|facts| facts.scope()),
            Some("profile"),
            "conformance check {check:?}: the scope carries over"
        );
    }
    let (late, ..) = rotation("RT2");
    assert!(
        matches!(rotate(store, &late).await, RotationOutcome::Reused { .. }),
        "{check}: without grace"
    );
    assert_active(check, store, &[("AT2", false), (&refresh2[..], false)]).await;
    // Once the grant has ended, the grace period no longer applies: RT3
    // (recorded without a grant) rotates into a grant of its own, the
    // client revokes its successor, which ends that grant, and RT3
    // presented again within the grace period is reuse.
    let (first, successor, _) = rotation("RT3");
    let rotated = rotate(store, &first.with_grace(grace)).await;
    assert_eq!(rotated, RotationOutcome::Rotated, "{check}");
    revoke(store, &app1(), &successor).await;
    let (retry, ..) = rotation("RT3");
    let retried = rotate(store, &retry.with_grace(grace)).await;
    let reused = matches!(retried, RotationOutcome::Reused { .. });
    assert!(reused, "{check}: after the grant ended: {retried:?}");
}

/// Many tasks present one refresh token at once, without a grace period:
/// exactly one rotates, every other one is reuse, and the grant ends.
pub(in crate::testkit) async fn concurrent_rotations<St>(store: Arc<St>)
where
    St: IssuanceStore + IntrospectionStore,
{
    let check = "concurrent_rotations";
    let tasks: Vec<_> = (0..ROTATIONS)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let (attempt, refresh, _) = rotation("RT1");
                (rotate(&*store, &attempt).await, refresh)
            })
        })
        .collect();
    let mut rotated = Vec::new();
    for task in tasks {
        let (outcome, refresh) = task.await.expect("a rotation task");
        match outcome {
            RotationOutcome::Rotated => rotated.push(refresh),
            RotationOutcome::Reused { .. } => {}
            other => panic!("conformance check {check:?}: {other:?}"),
        }
    }
    assert_eq!(
        rotated.len(),
        1,
        "conformance check {check:?}: exactly one rotation"
    );
    assert_active(check, &*store, &[("AT1", false), (&rotated[0][..], false)]).await;
}
