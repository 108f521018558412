//! Rules 3 and 4: exactly one client authentication method, checked by the
//! store (RFC 6749 §2.3, §5.2), then the required `token` (RFC 7009 §2.1).

use crate::fixture::{app, as_app1, default_app, revoke, send_fresh, store};
use crate::support::{challenge, desc};
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{BasicDecoding, RequestReader};
use tower_revoke::response::Realm;
use tower_revoke::RevocationEndpointLayer;

#[tokio::test]
async fn client_secret_basic_authenticates() {
    let (store, reply) = send_fresh(as_app1("token=AT1")).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn client_secret_post_authenticates() {
    let request = revoke("token=AT1&client_id=app1&client_secret=s3cr3t");
    let (store, reply) = send_fresh(request).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn public_client_authenticates_with_client_id_alone() {
    let (store, reply) = send_fresh(revoke("token=PAT1&client_id=pub1")).await;
    reply.assert_revoked();
    assert!(!store.is_active("PAT1"));
}

#[tokio::test]
async fn unknown_client_and_wrong_secret_get_byte_identical_responses() {
    let (store, app, _) = default_app();
    let unknown = revoke("token=AT1").basic("nobody", "s3cr3t");
    let wrong = revoke("token=AT1").basic("app1", "wrong");
    let (unknown, wrong) = (unknown.send(&app).await, wrong.send(&app).await);
    assert_eq!(unknown, wrong);
    wrong.assert_auth_failed();

    let unknown = revoke("token=AT1&client_id=nobody&client_secret=s3cr3t");
    let wrong = revoke("token=AT1&client_id=app1&client_secret=wrong");
    assert_eq!(unknown.send(&app).await, wrong.send(&app).await);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn public_client_sending_a_secret_fails_like_a_wrong_secret() {
    let (store, app, _) = default_app();
    let wrong = revoke("token=PAT1&client_id=app1&client_secret=wrong");
    let public = revoke("token=PAT1&client_id=pub1&client_secret=anything");
    assert_eq!(public.send(&app).await, wrong.send(&app).await);
    let wrong = revoke("token=PAT1").basic("app1", "wrong");
    let public = revoke("token=PAT1").basic("pub1", "anything");
    assert_eq!(public.send(&app).await, wrong.send(&app).await);
    assert!(store.is_active("PAT1"));
}

#[tokio::test]
async fn confidential_client_without_a_secret_fails_like_an_unknown_client() {
    let (store, app, _) = default_app();
    let unknown = revoke("token=AT1&client_id=nobody").send(&app).await;
    let confidential = revoke("token=AT1&client_id=app1").send(&app).await;
    assert_eq!(confidential, unknown);
    confidential.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn failed_authorization_header_challenges_with_invalid_client() {
    let (_, reply) = send_fresh(revoke("token=AT1").basic("app1", "wrong")).await;
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Basic realm="tower-revoke", error="invalid_client""#)
    );
}

#[tokio::test]
async fn failed_body_credentials_challenge_without_error() {
    let request = revoke("token=AT1&client_id=app1&client_secret=wrong");
    let (_, reply) = send_fresh(request).await;
    reply.assert_invalid_client(desc::AUTH_FAILED, r#"Basic realm="tower-revoke""#);
}

#[tokio::test]
async fn realm_names_the_challenge() {
    let (app, _) = app(RevocationEndpointLayer::new(store()).realm(Realm::new("x")));
    let header = revoke("token=AT1").basic("app1", "wrong").send(&app).await;
    let expected = r#"Basic realm="x", error="invalid_client""#;
    header.assert_invalid_client(desc::AUTH_FAILED, expected);
    let body = revoke("token=AT1&client_id=app1").send(&app).await;
    body.assert_invalid_client(desc::AUTH_FAILED, r#"Basic realm="x""#);
}

#[tokio::test]
async fn missing_client_credentials_are_invalid_client() {
    let (store, reply) = send_fresh(revoke("token=AT1")).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn other_authorization_scheme_is_invalid_client() {
    let request = revoke("token=AT1&client_id=pub1").header("authorization", "Bearer AT1");
    let (store, reply) = send_fresh(request).await;
    reply.assert_invalid_client(desc::OTHER_SCHEME, challenge::BASIC_INVALID_CLIENT);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn two_client_authentication_methods_are_invalid_request() {
    let (store, app, _) = default_app();
    for request in [
        as_app1("token=AT1&client_id=app1&client_secret=s3cr3t"),
        as_app1("token=AT1").basic("app1", "s3cr3t"),
    ] {
        let reply = request.send(&app).await;
        reply.assert_invalid_request(desc::MULTIPLE_METHODS);
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn malformed_basic_credentials_are_invalid_client() {
    let (store, app, _) = default_app();
    for authorization in ["Basic !!!", "Basic YXBwMQ==", "Basic"] {
        let request = revoke("token=AT1").header("authorization", authorization);
        let reply = request.send(&app).await;
        reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC_INVALID_CLIENT);
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn body_client_id_must_match_the_basic_client_id() {
    let (store, app, _) = default_app();
    let reply = as_app1("token=AT1&client_id=app2").send(&app).await;
    reply.assert_invalid_request(desc::CLIENT_ID_MISMATCH);
    assert!(store.is_active("AT1"));
    as_app1("token=AT1&client_id=app1")
        .send(&app)
        .await
        .assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn client_secret_without_client_id_is_invalid_request() {
    let (store, reply) = send_fresh(revoke("token=AT1&client_secret=s3cr3t")).await;
    reply.assert_invalid_request(desc::MISSING_CLIENT_ID);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn refused_client_authentication_method_is_invalid_client() {
    let store = store();
    let basic_only = ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic);
    let layer = RevocationEndpointLayer::new(store.clone())
        .reader(RequestReader::default().client_auth_methods(basic_only));
    let (app, _) = app(layer);
    let post = revoke("token=AT1&client_id=app1&client_secret=s3cr3t");
    let reply = post.send(&app).await;
    reply.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
    assert!(store.is_active("AT1"));
    as_app1("token=AT1").send(&app).await.assert_revoked();
}

#[tokio::test]
async fn lenient_basic_decoding_authenticates_a_raw_plus_in_the_secret() {
    let store = store();
    let layer = RevocationEndpointLayer::new(store.clone())
        .reader(RequestReader::default().basic_decoding(BasicDecoding::Lenient));
    let (app, _) = app(layer);
    let reply = revoke("token=PLUS1")
        .basic("plus", "pa+ss")
        .send(&app)
        .await;
    reply.assert_revoked();
    assert!(!store.is_active("PLUS1"));
}

#[tokio::test]
async fn form_decoded_basic_reads_a_raw_plus_as_a_space() {
    let store = store();
    let strict = RequestReader::default().basic_decoding(BasicDecoding::FormUrlEncoded);
    let (app, _) = app(RevocationEndpointLayer::new(store.clone()).reader(strict));
    let raw = revoke("token=PLUS1")
        .basic("plus", "pa+ss")
        .send(&app)
        .await;
    raw.assert_auth_failed();
    assert!(store.is_active("PLUS1"));
    let encoded = revoke("token=PLUS1").basic("plus", "pa%2Bss");
    encoded.send(&app).await.assert_revoked();
    assert!(!store.is_active("PLUS1"));
}

#[tokio::test]
async fn missing_token_is_invalid_request() {
    let (store, app, _) = default_app();
    for body in ["", "token_type_hint=access_token", "tokens=AT1"] {
        let reply = as_app1(body).send(&app).await;
        reply.assert_invalid_request(desc::MISSING_TOKEN);
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn empty_token_is_invalid_request() {
    let request = revoke("token=&client_id=app1&client_secret=s3cr3t");
    let (_, reply) = send_fresh(request).await;
    reply.assert_invalid_request(desc::MISSING_TOKEN);
}

#[tokio::test]
async fn client_is_authenticated_before_the_token_is_required() {
    let (_, app, _) = default_app();
    let reply = revoke("").basic("app1", "wrong").send(&app).await;
    reply.assert_auth_failed();
    let reply = revoke("token=").send(&app).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
}
