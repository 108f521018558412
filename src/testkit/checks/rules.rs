//! The rules: client authentication, outcomes and their order, hints,
//! grant cascades, expiry, introspection, bulk revocation.

use super::{app1, assert_active, client, creds, facts, request, revoke, revoked, ACCESS, REFRESH};
use crate::client::{ClientAuthMethod, ClientCredentials};
use crate::request::{parse_basic, BasicDecoding};
use crate::store::RevocationOutcome::{IssuedToAnotherClient, NotFound, UnsupportedTokenType};
use crate::store::{ClientType, IntrospectionStore, RevocationStore, SubjectRevocationStore};

pub(in crate::testkit) async fn client_authentication<St: RevocationStore>(store: &St) {
    let check = "client_authentication";
    let authenticate = |credentials: ClientCredentials| async move {
        let found = store.authenticate_client(&credentials).await;
        found.unwrap_or_else(|e| panic!("authenticate_client failed: {e}"))
    };
    for method in [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::AppKeyHeaders,
    ] {
        let found = authenticate(creds("app1", Some("s3cr3t"), method)).await;
        assert_eq!(
            found,
            Some(app1()),
            "conformance check {check:?}: app1 by {method:?}"
        );
    }
    let basic = ClientAuthMethod::ClientSecretBasic;
    for refused in [
        creds("app1", Some("s3cr3"), basic),
        creds("app1", Some("s3cr3tt"), basic),
        creds("app1", Some("S3CR3T"), basic),
        creds("app1", None, ClientAuthMethod::None),
        creds("pub1", Some("anything"), ClientAuthMethod::ClientSecretPost),
        creds("nobody", Some("s3cr3t"), basic),
        creds("nobody", None, ClientAuthMethod::None),
    ] {
        let shown = format!("{refused:?}");
        assert_eq!(
            authenticate(refused).await,
            None,
            "conformance check {check:?}: {shown}"
        );
    }
    let public = authenticate(creds("pub1", None, ClientAuthMethod::None)).await;
    let expected = Some(client("pub1", ClientType::Public));
    assert_eq!(
        public, expected,
        "conformance check {check:?}: public client"
    );
    // "app2:s3+cr3t": form-decoded the secret is "s3 cr3t", raw "s3+cr3t".
    let header = http::HeaderValue::from_static("Basic YXBwMjpzMytjcjN0");
    let lenient = parse_basic(&header, BasicDecoding::Lenient).expect("valid Basic");
    let raw = lenient.raw_alternative().expect("a raw reading").clone();
    let message = format!("conformance check {check:?}: the store must ignore raw_alternative");
    assert_eq!(authenticate(lenient).await, None, "{message}");
    let found = authenticate(raw).await;
    let expected = Some(client("app2", ClientType::Confidential));
    assert_eq!(
        found, expected,
        "conformance check {check:?}: the raw reading"
    );
}

pub(in crate::testkit) async fn outcomes_in_order<St: RevocationStore + IntrospectionStore>(
    store: &St,
) {
    let check = "outcomes_in_order";
    let pub1 = client("pub1", ClientType::Public);
    let cases = [
        (app1(), "nope", NotFound),
        (app1(), "old", NotFound),
        (app1(), "jwt", UnsupportedTokenType),
        (pub1.clone(), "RT1", IssuedToAnotherClient),
        (app1(), "X1", IssuedToAnotherClient), // ownership before revocability
        (app1(), "RT3", revoked(REFRESH, 0)),
        (app1(), "RT3", NotFound), // already revoked
        (pub1, "PT1", revoked(ACCESS, 0)),
    ];
    for (client, token, expected) in cases {
        let outcome = revoke(store, &client, token).await;
        let who = client.client_id.as_str();
        assert_eq!(
            outcome, expected,
            "conformance check {check:?}: {who} revoking {token}"
        );
    }
    let unchanged = [
        ("RT1", true),
        ("AT1", true),
        ("jwt", true),
        ("X1", true),
        ("RT3", false),
    ];
    assert_active(check, store, &unchanged).await;
}

pub(in crate::testkit) async fn hint_is_advice<St: RevocationStore>(store: &St) {
    let check = "hint_is_advice";
    let cases = [
        ("RT2", Some("access_token"), revoked(REFRESH, 1)),
        ("AT1", Some("id_token"), revoked(ACCESS, 0)),
        (
            "RT3",
            Some("urn:ietf:params:oauth:token-type:access_token"),
            revoked(REFRESH, 0),
        ),
    ];
    for (token, hint, expected) in cases {
        let outcome = store.revoke(&app1(), &request(token, hint)).await;
        let outcome = outcome.unwrap_or_else(|e| panic!("revoke failed: {e}"));
        assert_eq!(
            outcome, expected,
            "conformance check {check:?}: {token} with hint {hint:?}"
        );
    }
}

pub(in crate::testkit) async fn grant_cascade<St: RevocationStore + IntrospectionStore>(
    store: &St,
) {
    let check = "grant_cascade";
    let outcome = revoke(store, &app1(), "AT2").await;
    assert_eq!(
        outcome,
        revoked(ACCESS, 0),
        "conformance check {check:?}: AT2"
    );
    assert_active(check, store, &[("AT2", false), ("RT2", true)]).await;
    // RT1 ends AT1 and JWT1 (not revocable alone, but its grant is ended);
    // app2's OT1, under the same grant id G1, is another grant.
    let outcome = revoke(store, &app1(), "RT1").await;
    assert_eq!(
        outcome,
        revoked(REFRESH, 2),
        "conformance check {check:?}: RT1"
    );
    let after = [
        ("RT1", false),
        ("AT1", false),
        ("JWT1", false),
        ("OT1", true),
        ("RT2", true),
        ("RT3", true),
    ];
    assert_active(check, store, &after).await;
    let outcome = revoke(store, &app1(), "AT1").await;
    assert_eq!(
        outcome, NotFound,
        "conformance check {check:?}: AT1 after its grant"
    );
    let outcome = revoke(store, &app1(), "RT3").await;
    assert_eq!(
        outcome,
        revoked(REFRESH, 0),
        "conformance check {check:?}: RT3 without grant"
    );
}

pub(in crate::testkit) async fn expired_refresh_token_ends_its_grant<St>(store: &St)
where
    St: RevocationStore + IntrospectionStore,
{
    let check = "expired_refresh_token_ends_its_grant";
    let pub1 = client("pub1", ClientType::Public);
    assert_eq!(
        revoke(store, &pub1, "XRT").await,
        NotFound,
        "conformance check {check:?}"
    );
    assert_active(check, store, &[("XAT", true)]).await;
    assert_eq!(
        revoke(store, &app1(), "XRT").await,
        NotFound,
        "conformance check {check:?}"
    );
    assert_active(check, store, &[("XAT", false), ("AT1", true)]).await;
}

pub(in crate::testkit) async fn introspection<St: RevocationStore + IntrospectionStore>(
    store: &St,
) {
    let check = "introspection";
    let at1 = facts(store, "AT1")
        .await
        .unwrap_or_else(|| panic!("conformance check {check:?}: AT1"));
    assert_eq!(
        (at1.client_id().as_str(), at1.kind()),
        ("app1", ACCESS),
        "conformance check {check:?}"
    );
    assert_eq!(
        (at1.sub(), at1.exp(), at1.scope()),
        (Some("alice"), None, Some("read")),
        "conformance check {check:?}: AT1"
    );
    let at2 = facts(store, "AT2")
        .await
        .unwrap_or_else(|| panic!("conformance check {check:?}: AT2"));
    assert_eq!(
        (at2.sub(), at2.exp(), at2.scope()),
        (None, Some(4_102_444_800), None),
        "conformance check {check:?}: AT2"
    );
    let rt1 = facts(store, "RT1").await;
    let rt1 = rt1.as_ref().map(|t| (t.kind(), t.scope()));
    assert_eq!(
        rt1,
        Some((REFRESH, Some("read write"))),
        "conformance check {check:?}: RT1 is a refresh token of its scope"
    );
    for inactive in ["old", "nope", "XRT"] {
        assert!(
            facts(store, inactive).await.is_none(),
            "conformance check {check:?}: {inactive}"
        );
    }
    revoke(store, &app1(), "AT1").await;
    assert!(
        facts(store, "AT1").await.is_none(),
        "conformance check {check:?}: AT1 once revoked"
    );
}

pub(in crate::testkit) async fn subject_revocation<St>(store: &St)
where
    St: IntrospectionStore + SubjectRevocationStore,
{
    let check = "subject_revocation";
    let bulk = |subject: &'static str, labels: &'static [(&'static str, &'static str)]| async move {
        let revoked = store.revoke_subject_tokens(subject, labels).await;
        revoked.unwrap_or_else(|e| panic!("revoke_subject_tokens failed: {e}"))
    };
    let github = &[("provider", "github"), ("org_id", "42")];
    assert_eq!(
        bulk("alice", github).await,
        1,
        "conformance check {check:?}: github 42"
    );
    assert_active(
        check,
        store,
        &[
            ("gh1", false),
            ("gl1", true),
            ("AT1", true),
            ("jwtgh", true),
        ],
    )
    .await;
    assert_eq!(
        bulk("alice", github).await,
        0,
        "conformance check {check:?}: repeated"
    );
    assert_eq!(
        bulk("alice", &[("provider", "github"), ("org_id", "7")]).await,
        0,
        "conformance check {check:?}"
    );
    // AT1, RT1, OT1, gl1: not oldgh (expired) nor jwtgh (not revocable).
    assert_eq!(
        bulk("alice", &[]).await,
        4,
        "conformance check {check:?}: every label"
    );
    assert_eq!(
        bulk("alice", &[]).await,
        0,
        "conformance check {check:?}: repeated"
    );
    assert_active(
        check,
        store,
        &[("PT1", true), ("jwtgh", true), ("OT1", false)],
    )
    .await;
    assert_eq!(
        bulk("carol", &[]).await,
        0,
        "conformance check {check:?}: unknown subject"
    );
}
