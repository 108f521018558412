//! Issuance beyond the conformance kit: the same outcomes as `MemoryStore`
//! step by step, tokens recorded on one connection and revoked through
//! another, no raw token or secret at rest, the revocation barrier under
//! races, and the notices of rotation and reuse.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::request::Token;
use tower_revoke::store::{
    ClientEntry, Recording, Registration, Rotation, RotationOutcome, TokenEntry,
};
use tower_revoke::{
    AuthenticatedClient, ClientType, IntrospectionStore, IssuanceStore, MemoryStore,
    RevocationOutcome, RevocationStore, SubjectRevocationStore, TokenKind,
};
use tower_revoke_redis::RedisStore;

const ACCESS: TokenKind = TokenKind::AccessToken;
const REFRESH: TokenKind = TokenKind::RefreshToken;
const HOUR: Duration = Duration::from_secs(3600);

fn client(id: &str) -> AuthenticatedClient {
    AuthenticatedClient {
        client_id: ClientId::new(id).unwrap(),
        client_type: ClientType::Confidential,
    }
}

fn entry(token: &str, kind: TokenKind, client_id: &str) -> TokenEntry {
    TokenEntry::new(
        crate::common::token(token),
        kind,
        ClientId::new(client_id).unwrap(),
    )
}

fn registration(id: &str, secret: Option<&str>) -> ClientEntry {
    let secret = secret.map(|s| ClientSecret::new(s).unwrap());
    ClientEntry::new(ClientId::new(id).unwrap(), secret)
}

/// A rotation of `presented` to `refresh` and `access`, entries of app1.
fn rotation(presented: &str, refresh: &str, access: Option<&str>) -> Rotation {
    Rotation::new(
        crate::common::token(presented),
        entry(refresh, REFRESH, "app1"),
        access.map(|a| entry(a, ACCESS, "app1")),
    )
}

async fn record<S: IssuanceStore>(store: &S, entry: &TokenEntry) -> Recording {
    store.record_token(entry).await.expect("record_token")
}

async fn rotate<S: IssuanceStore>(store: &S, rotation: &Rotation) -> RotationOutcome {
    let outcome = store
        .rotate_refresh_token(&crate::common::app1(), rotation)
        .await;
    outcome.expect("rotate_refresh_token")
}

/// The same story told to a store: every outcome, count and activity, as
/// lines to compare between stores. `fresh` are the generated tokens it
/// issues, the same for every store.
async fn story<S>(store: &S, fresh: &[String]) -> Vec<String>
where
    S: IssuanceStore + RevocationStore + IntrospectionStore + SubjectRevocationStore,
{
    let mut log = Vec::new();
    let t = |i: usize| fresh[i].as_str();
    let active = |tokens: Vec<&str>| {
        let tokens: Vec<String> = tokens.into_iter().map(str::to_owned).collect();
        async move {
            let mut states = Vec::new();
            for token in &tokens {
                states.push(crate::common::is_active(store, token).await);
            }
            format!("active {states:?}")
        }
    };
    for (id, secret) in [
        ("new1", Some("n3w")),
        ("new1", Some("other")),
        ("pub2", None),
    ] {
        let registered = store.register_client(&registration(id, secret)).await;
        log.push(format!("register {id}: {:?}", registered.unwrap()));
    }
    let issued = entry(t(0), ACCESS, "app1")
        .with_grant_id("G9")
        .with_subject("carol")
        .with_label("org", "42");
    let recordings = [
        issued.clone(),
        issued.clone(),
        entry(t(0), REFRESH, "app1").with_grant_id("G9"),
        entry(t(0), ACCESS, "app2").with_grant_id("G9"),
        entry(t(0), ACCESS, "app1").with_grant_id("G8"),
        entry(t(0), ACCESS, "app1"),
        entry(t(1), ACCESS, "nobody"),
        entry(t(1), ACCESS, "app1").with_subject(""),
        entry(t(1), ACCESS, "app1").with_label("org", ""),
        entry(t(2), REFRESH, "app1").with_subject("dave"),
        entry(t(3), ACCESS, "app1")
            .with_grant_id("G2")
            .with_expires_at(4_102_444_800),
        entry(t(4), ACCESS, "pub1").with_grant_id("P1"),
    ];
    for recorded in &recordings {
        log.push(format!("record: {:?}", record(store, recorded).await));
    }
    log.push(active(vec![t(0), t(1), t(2), t(3), t(4)]).await);

    // RT1 rotates; revoking it afterwards ends its grant (NotFound); then
    // presenting it again is reuse of an ended grant.
    let first = rotation("RT1", t(5), Some(t(6)));
    log.push(format!("rotate RT1: {:?}", rotate(store, &first).await));
    log.push(active(vec!["RT1", "AT1", "JWT1", t(5), t(6)]).await);
    let revoked = crate::common::revoke(store, "RT1").await;
    log.push(format!("revoke rotated RT1: {revoked:?}"));
    log.push(active(vec!["AT1", "JWT1", t(5), t(6)]).await);
    let again = rotation("RT1", t(7), None);
    log.push(format!("reuse RT1: {:?}", rotate(store, &again).await));
    let successor = rotation(t(5), t(8), None);
    log.push(format!(
        "rotate dead successor: {:?}",
        rotate(store, &successor).await
    ));

    // Within the grace period, each presentation rotates; past it, reuse
    // counts every live token of the grant, rotated ones included.
    let graced = |refresh, access| rotation("RT2", refresh, access).with_grace(HOUR);
    log.push(format!(
        "grace 1: {:?}",
        rotate(store, &graced(t(9), Some(t(10)))).await
    ));
    log.push(format!(
        "grace 2: {:?}",
        rotate(store, &graced(t(11), None)).await
    ));
    log.push(active(vec!["RT2", "AT2", t(3), t(9), t(10), t(11)]).await);
    let successor = rotation(t(9), t(12), Some(t(13)));
    log.push(format!(
        "rotate successor: {:?}",
        rotate(store, &successor).await
    ));
    let late = rotation("RT2", t(14), None);
    log.push(format!("reuse RT2: {:?}", rotate(store, &late).await));
    log.push(active(vec!["AT2", t(3), t(9), t(10), t(11), t(12), t(13)]).await);
    log.push(format!("reuse RT2 again: {:?}", rotate(store, &late).await));
    let after = entry(t(15), ACCESS, "app1").with_grant_id("G2");
    log.push(format!(
        "record into ended G2: {:?}",
        record(store, &after).await
    ));

    // A refresh token without a grant rotates into one of its own; revoking
    // the rotated token does not reach it, reusing the token ends it.
    log.push(format!(
        "rotate RT3: {:?}",
        rotate(store, &rotation("RT3", t(16), Some(t(17)))).await
    ));
    log.push(format!(
        "revoke rotated RT3: {:?}",
        crate::common::revoke(store, "RT3").await
    ));
    log.push(active(vec![t(16), t(17)]).await);
    log.push(format!(
        "reuse RT3: {:?}",
        rotate(store, &rotation("RT3", t(18), None)).await
    ));
    log.push(active(vec!["RT3", t(16), t(17), t(18)]).await);
    let own = |refresh| rotation(t(2), refresh, None).with_grace(HOUR);
    log.push(format!(
        "grace own 1: {:?}",
        rotate(store, &own(t(19))).await
    ));
    log.push(format!(
        "grace own 2: {:?}",
        rotate(store, &own(t(20))).await
    ));
    let reuse_own = rotation(t(2), t(21), None);
    log.push(format!("reuse own: {:?}", rotate(store, &reuse_own).await));
    log.push(active(vec![t(2), t(19), t(20), t(21)]).await);

    // What cannot be rotated, and successors that cannot be recorded.
    for presented in ["XRT", "AT2", "OT1", "nothing", t(4)] {
        let attempt = rotation(presented, t(22), None);
        log.push(format!(
            "rotate {presented}: {:?}",
            rotate(store, &attempt).await
        ));
    }
    let by_app2 = store
        .rotate_refresh_token(&client("app2"), &rotation(t(12), t(22), None))
        .await;
    log.push(format!("rotate by app2: {:?}", by_app2.unwrap()));
    let mut wrong_kind = rotation(t(12), t(22), None);
    wrong_kind.refresh_token.kind = ACCESS;
    let taken = rotation(t(12), t(22), Some(t(3)));
    let mut malformed = rotation(t(12), t(22), None);
    malformed.refresh_token = malformed.refresh_token.with_subject("");
    for conflict in [wrong_kind, taken, malformed] {
        log.push(format!("conflict: {:?}", rotate(store, &conflict).await));
    }
    log.push(active(vec![t(12), t(22)]).await);

    // Successors keep their own subject and labels; bulk revocation skips
    // rotated tokens.
    let live = entry(t(26), REFRESH, "app1").with_grant_id("G7");
    log.push(format!("record G7: {:?}", record(store, &live).await));
    let mut labelled = rotation(t(26), t(23), Some(t(24)));
    labelled.refresh_token = labelled.refresh_token.with_subject("erin");
    labelled.access_token = labelled
        .access_token
        .map(|a| a.with_subject("erin").with_label("org", "7"));
    log.push(format!(
        "rotate labelled: {:?}",
        rotate(store, &labelled).await
    ));
    let rotated_again = rotation(t(23), t(25), None);
    log.push(format!(
        "rotate t23: {:?}",
        rotate(store, &rotated_again).await
    ));
    let bulk = store.revoke_subject_tokens("erin", &[("org", "7")]).await;
    log.push(format!("revoke erin org 7: {:?}", bulk.unwrap()));
    let bulk = store.revoke_subject_tokens("erin", &[]).await;
    log.push(format!("revoke erin: {:?}", bulk.unwrap()));
    log.push(active(vec![t(26), t(23), t(24), t(25)]).await);

    // Successors sent without a subject take the presented token's, first
    // and grace rotations alike: introspection shows it, and bulk
    // revocation by that subject finds them.
    let owned = entry(t(27), REFRESH, "app1")
        .with_grant_id("G6")
        .with_subject("frank");
    log.push(format!("record G6: {:?}", record(store, &owned).await));
    let graced = |refresh, access| rotation(t(27), refresh, access).with_grace(HOUR);
    for (step, (refresh, access)) in [(t(28), Some(t(29))), (t(30), None)].iter().enumerate() {
        let outcome = rotate(store, &graced(*refresh, *access)).await;
        log.push(format!("rotate frank {step}: {outcome:?}"));
    }
    for successor in [t(28), t(29), t(30)] {
        let facts = store
            .introspect(&crate::common::token(successor))
            .await
            .unwrap();
        let sub = facts
            .as_ref()
            .and_then(|facts| facts.sub().map(str::to_owned));
        log.push(format!("sub: {sub:?}"));
    }
    let bulk = store.revoke_subject_tokens("frank", &[]).await;
    log.push(format!("revoke frank: {:?}", bulk.unwrap()));
    log.push(active(vec![t(27), t(28), t(29), t(30)]).await);
    log
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_match_the_memory_store_step_by_step() {
    let Some(url) = crate::common::redis_url("outcomes_match_the_memory_store_step_by_step") else {
        return;
    };
    let fresh: Vec<String> = (0..31)
        .map(|_| Token::generate().secret().to_owned())
        .collect();
    let memory = MemoryStore::from_seed(&tower_revoke::testkit::seed());
    let expected = story(&memory, &fresh).await;
    let redis = crate::common::store(&url, "issuance-story").await;
    redis.seed(&tower_revoke::testkit::seed()).await.unwrap();
    let told = story(&redis, &fresh).await;
    for (i, (memory, redis)) in expected.iter().zip(&told).enumerate() {
        assert_eq!(redis, memory, "step {i} differs from MemoryStore");
    }
    assert_eq!(told.len(), expected.len());
    let mut conn = redis.connection().clone();
    crate::common::clean(&mut conn, redis.get_key_prefix()).await;
}

#[tokio::test]
async fn tokens_recorded_on_one_connection_are_revoked_through_another() {
    let Some(url) =
        crate::common::redis_url("tokens_recorded_on_one_connection_are_revoked_through_another")
    else {
        return;
    };
    let one = crate::common::store(&url, "issuance-two").await;
    let two = RedisStore::new(crate::common::manager(&url).await).key_prefix(one.get_key_prefix());
    let registered = one
        .register_client(&registration("app1", Some("s3cr3t")))
        .await;
    assert_eq!(registered.unwrap(), Registration::Registered);
    let credentials = ClientCredentials::new(
        ClientId::new("app1").unwrap(),
        Some(ClientSecret::new("s3cr3t").unwrap()),
        ClientAuthMethod::ClientSecretBasic,
    );
    let found = two.authenticate_client(&credentials).await.unwrap();
    assert_eq!(
        found,
        Some(crate::common::app1()),
        "registered through one, known to two"
    );

    let (access, refresh) = (Token::generate(), Token::generate());
    let (a, r) = (access.secret().to_owned(), refresh.secret().to_owned());
    for (token, kind) in [(access, ACCESS), (refresh, REFRESH)] {
        let issued =
            TokenEntry::new(token, kind, ClientId::new("app1").unwrap()).with_grant_id("G1");
        assert_eq!(record(&one, &issued).await, Recording::Recorded);
    }
    assert!(crate::common::is_active(&two, &a).await);
    assert!(matches!(
        crate::common::revoke(&two, &r).await,
        RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    assert!(
        !crate::common::is_active(&one, &a).await,
        "revoked through two"
    );
    assert!(!crate::common::is_active(&one, &r).await);
    let late = entry(Token::generate().secret(), ACCESS, "app1").with_grant_id("G1");
    assert_eq!(record(&one, &late).await, Recording::GrantRevoked);

    // Rotated through one, reused through two: the grant ends for both.
    let first = Token::generate().secret().to_owned();
    let issued = entry(&first, REFRESH, "app1").with_grant_id("G2");
    assert_eq!(record(&one, &issued).await, Recording::Recorded);
    let (next, next_access) = (Token::generate(), Token::generate());
    let (n, na) = (next.secret().to_owned(), next_access.secret().to_owned());
    assert_eq!(
        rotate(&one, &rotation(&first, &n, Some(&na))).await,
        RotationOutcome::Rotated
    );
    assert!(crate::common::is_active(&two, &n).await);
    let reused = rotate(&two, &rotation(&first, Token::generate().secret(), None)).await;
    assert_eq!(reused, RotationOutcome::Reused { revoked: 3 });
    for token in [&first, &n, &na] {
        assert!(
            !crate::common::is_active(&one, token).await,
            "ended through two"
        );
    }
    let mut conn = one.connection().clone();
    crate::common::clean(&mut conn, one.get_key_prefix()).await;
}

#[tokio::test]
async fn a_dump_after_issuing_and_rotating_holds_no_raw_token_or_secret() {
    let Some(url) =
        crate::common::redis_url("a_dump_after_issuing_and_rotating_holds_no_raw_token_or_secret")
    else {
        return;
    };
    let store = crate::common::store(&url, "issuance-dump").await;
    let secret = Token::generate().secret().to_owned();
    let registered = store
        .register_client(&registration("app1", Some(&secret)))
        .await;
    assert_eq!(registered.unwrap(), Registration::Registered);
    let mut raw: Vec<String> = (0..8)
        .map(|_| Token::generate().secret().to_owned())
        .collect();
    let issued = [
        entry(&raw[0], ACCESS, "app1")
            .with_grant_id("G1")
            .with_subject("alice"),
        entry(&raw[1], REFRESH, "app1")
            .with_grant_id("G1")
            .with_subject("alice"),
        entry(&raw[2], REFRESH, "app1").with_label("device", "phone"),
    ];
    for token in &issued {
        assert_eq!(record(&store, token).await, Recording::Recorded);
    }
    let rotations = [
        rotation(&raw[1], &raw[3], Some(&raw[4])).with_grace(HOUR),
        rotation(&raw[1], &raw[5], None).with_grace(HOUR),
        rotation(&raw[2], &raw[6], Some(&raw[7])),
    ];
    for rotated in &rotations {
        assert_eq!(rotate(&store, rotated).await, RotationOutcome::Rotated);
    }
    let reused = rotate(&store, &rotation(&raw[1], "never-stored", None)).await;
    assert!(
        matches!(reused, RotationOutcome::Reused { .. }),
        "{reused:?}"
    );
    let mut conn = store.connection().clone();
    let dump = crate::common::dump(&mut conn, store.get_key_prefix()).await;
    // The dump shows values as text: a grant's members are there as digests.
    assert!(
        dump.contains(&crate::common::digest(&raw[3]).to_hex()),
        "{dump}"
    );
    raw.push(secret);
    raw.push("never-stored".to_owned());
    for value in &raw {
        assert!(
            !dump.contains(value.as_str()),
            "{value} is in the dump:\n{dump}"
        );
    }
    crate::common::clean(&mut conn, store.get_key_prefix()).await;
}

/// Recording into a grant while its refresh token is revoked: whichever
/// comes first, the recorded token ends with its grant (never a live token
/// of an ended grant), and the outcome is `Recorded` or `GrantRevoked`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn recording_racing_a_revocation_never_revives_its_grant() {
    let Some(url) =
        crate::common::redis_url("recording_racing_a_revocation_never_revives_its_grant")
    else {
        return;
    };
    let store = Arc::new(crate::common::store(&url, "issuance-race").await);
    store
        .seed(&crate::common::seed(crate::common::SEED))
        .await
        .unwrap();
    let mut outcomes = BTreeSet::new();
    for round in 0..60 {
        let (grant, refresh) = (format!("R{round}"), Token::generate().secret().to_owned());
        let issued = entry(&refresh, REFRESH, "app1").with_grant_id(&grant);
        assert_eq!(record(&*store, &issued).await, Recording::Recorded);
        let late = Token::generate().secret().to_owned();
        let recording = {
            let (store, late) = (
                Arc::clone(&store),
                entry(&late, ACCESS, "app1").with_grant_id(&grant),
            );
            tokio::spawn(async move { record(&*store, &late).await })
        };
        let revocation = {
            let (store, refresh) = (Arc::clone(&store), refresh.clone());
            tokio::spawn(async move { crate::common::revoke(&*store, &refresh).await })
        };
        let (recorded, revoked) = (recording.await.unwrap(), revocation.await.unwrap());
        assert!(
            matches!(revoked, RevocationOutcome::Revoked { .. }),
            "{revoked:?}"
        );
        assert!(
            matches!(recorded, Recording::Recorded | Recording::GrantRevoked),
            "{recorded:?}"
        );
        assert!(
            !crate::common::is_active(&*store, &late).await,
            "round {round}: {recorded:?}"
        );
        outcomes.insert(format!("{recorded:?}"));
    }
    eprintln!("outcomes seen: {outcomes:?}");
    let mut conn = store.connection().clone();
    crate::common::clean(&mut conn, store.get_key_prefix()).await;
}

/// Many tasks rotate one refresh token recorded without a grant (its
/// successors go to a grant of its own): exactly one rotates, and the
/// reuse of the others ends that grant, the winner's successors included.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_of_a_token_without_grant() {
    let Some(url) = crate::common::redis_url("concurrent_rotations_of_a_token_without_grant")
    else {
        return;
    };
    let store = Arc::new(crate::common::store(&url, "issuance-own").await);
    store
        .seed(&crate::common::seed(crate::common::SEED))
        .await
        .unwrap();
    for _ in 0..5 {
        let presented = Token::generate().secret().to_owned();
        let issued = entry(&presented, REFRESH, "app1");
        assert_eq!(record(&*store, &issued).await, Recording::Recorded);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (store, presented) = (Arc::clone(&store), presented.clone());
                tokio::spawn(async move {
                    let (refresh, access) = (Token::generate(), Token::generate());
                    let names = [refresh.secret().to_owned(), access.secret().to_owned()];
                    let attempt = rotation(&presented, &names[0], Some(&names[1]));
                    (rotate(&*store, &attempt).await, names)
                })
            })
            .collect();
        let mut rotated = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                (RotationOutcome::Rotated, names) => rotated.push(names),
                (RotationOutcome::Reused { .. }, _) => {}
                (other, _) => panic!("{other:?}"),
            }
        }
        assert_eq!(rotated.len(), 1, "exactly one rotation");
        for token in rotated[0].iter().chain([&presented]) {
            assert!(!crate::common::is_active(&*store, token).await);
        }
    }
    let mut conn = store.connection().clone();
    crate::common::clean(&mut conn, store.get_key_prefix()).await;
}

/// The barrier's other order: a token admitted into its grant, whose grant
/// then ends before the token's hash is written, finds a tombstone that
/// expires with its member, and is never active.
#[tokio::test]
async fn a_token_admitted_before_its_grant_ended_is_written_ended() {
    let Some(url) =
        crate::common::redis_url("a_token_admitted_before_its_grant_ended_is_written_ended")
    else {
        return;
    };
    let store = crate::common::store(&url, "issuance-tombstone").await;
    store
        .seed(&crate::common::seed(crate::common::SEED))
        .await
        .unwrap();
    let p = store.get_key_prefix().to_owned();
    let mut conn = store.connection().clone();
    let late = Token::generate().secret().to_owned();
    let key = format!("{p}:t:{{{}}}", crate::common::digest(&late).to_hex());
    let expiry = redis::cmd("TIME")
        .query_async::<(u64, u64)>(&mut conn)
        .await
        .unwrap()
        .0
        * 1000
        + 60_000;
    // What admitting `late` into G1 does, before its hash is written.
    let _: i64 = redis::cmd("ZADD")
        .arg(format!("{p}:g:{{app1:G1}}"))
        .arg(expiry)
        .arg(crate::common::digest(&late).to_hex())
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(matches!(
        crate::common::revoke(&store, "RT1").await,
        RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    let tombstone: Vec<(String, String)> = redis::cmd("HGETALL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(tombstone, [("ended".to_owned(), "1".to_owned())]);
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        (1..=60_000).contains(&ttl),
        "the tombstone expires with its member: {ttl}"
    );
    // Recorded now, the token meets the ended grant's barrier.
    let issued = entry(&late, ACCESS, "app1").with_grant_id("G1");
    assert_eq!(record(&store, &issued).await, Recording::GrantRevoked);
    assert!(
        !crate::common::is_active(&store, &late).await,
        "never active"
    );
    crate::common::clean(&mut conn, &p).await;
}

/// A rotation publishes the presented token (no longer active), a reuse
/// every token of the grant it ended, as a revocation does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_and_reuse_reach_the_listeners() {
    let Some(url) = crate::common::redis_url("rotation_and_reuse_reach_the_listeners") else {
        return;
    };
    let wait = Duration::from_secs(5);
    let store = crate::common::store(&url, "issuance-notices").await;
    store
        .seed(&crate::common::seed(crate::common::SEED))
        .await
        .unwrap();
    let recorder = crate::common::Recorder::default();
    let listener = tokio::spawn(store.listen(recorder.clone()));
    recorder
        .wait("the first flush", wait, |r| r.flushes() == 1)
        .await;
    let (refresh, access) = (Token::generate(), Token::generate());
    let (r, a) = (refresh.secret().to_owned(), access.secret().to_owned());
    assert_eq!(
        rotate(&store, &rotation("RT1", &r, Some(&a))).await,
        RotationOutcome::Rotated
    );
    let rotated: BTreeSet<_> = [crate::common::digest("RT1")].into();
    recorder
        .wait("RT1", wait, |rec| rec.digests() == rotated)
        .await;
    let reused = rotate(&store, &rotation("RT1", Token::generate().secret(), None)).await;
    assert_eq!(reused, RotationOutcome::Reused { revoked: 4 });
    let grant: BTreeSet<_> = ["RT1", "AT1", &r, &a]
        .iter()
        .map(|t| crate::common::digest(t))
        .collect();
    recorder
        .wait("the grant of RT1", wait, |rec| rec.digests() == grant)
        .await;
    listener.abort();
    let mut conn = store.connection().clone();
    crate::common::clean(&mut conn, store.get_key_prefix()).await;
}
