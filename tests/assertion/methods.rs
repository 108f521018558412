//! Exactly one client authentication method (RFC 6749 §2.3), the
//! assertion's parameters (RFC 7521 §4.2), and clients with keys only.

use crate::fixture::{app, revoke, server, store};
use crate::support::assertion::{assertion, JWT_BEARER};
use crate::support::request::{basic, form};
use crate::support::store::is_active;
use crate::support::wire::serve;
use crate::support::{challenge, desc};
use tower_revoke::request::RequestReader;

#[tokio::test]
async fn an_assertion_beside_another_method_is_invalid_request() {
    let (store, server) = server().await;
    let with_basic =
        revoke(&assertion("both"), "BT1").header("authorization", basic("both:b0th-s3cr3t"));
    server
        .send(with_basic)
        .await
        .assert_invalid_request(desc::MULTIPLE_METHODS);
    let body =
        crate::support::assertion::form(&assertion("both"), "client_secret=b0th-s3cr3t&token=BT1");
    let with_secret = form("/revoke", body);
    server
        .send(with_secret)
        .await
        .assert_invalid_request(desc::MULTIPLE_METHODS);
    assert!(is_active(&store, "BT1").await);
}

#[tokio::test]
async fn a_client_id_parameter_must_name_the_assertions_client() {
    let (store, server) = server().await;
    let body = |client_id: &str, token: &str| {
        let rest = format!("client_id={client_id}&token={token}");
        form(
            "/revoke",
            crate::support::assertion::form(&assertion("keyed"), &rest),
        )
    };
    let mismatch = server.send(body("both", "AT0")).await;
    mismatch.assert_invalid_request(desc::CLIENT_ID_MISMATCH);
    assert!(is_active(&store, "AT0").await);
    server.send(body("keyed", "AT0")).await.assert_revoked();
    assert!(!is_active(&store, "AT0").await);
}

#[tokio::test]
async fn the_two_parameters_come_together_and_the_type_is_jwt_bearer() {
    let (_, server) = server().await;
    let without_type = form(
        "/revoke",
        format!("client_assertion={}&token=AT0", assertion("keyed")),
    );
    server
        .send(without_type)
        .await
        .assert_invalid_request(desc::INCOMPLETE_ASSERTION);
    let without_assertion = form(
        "/revoke",
        format!("client_assertion_type={JWT_BEARER}&token=AT0"),
    );
    server
        .send(without_assertion)
        .await
        .assert_invalid_request(desc::INCOMPLETE_ASSERTION);
    let saml = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";
    let other_type = form(
        "/revoke",
        format!("client_assertion_type={saml}&client_assertion=x&token=AT0"),
    );
    server
        .send(other_type)
        .await
        .assert_invalid_client(desc::ASSERTION_TYPE, challenge::BASIC);
}

#[tokio::test]
async fn malformed_oversize_and_query_assertions_are_refused_before_any_lookup() {
    let (_, server) = server().await;
    for garbage in ["not-a-jwt", "a.b.c", &"x".repeat(9 * 1024)] {
        let reply = server.send(revoke(garbage, "AT0")).await;
        reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC);
    }
    let oversize = format!("{}{}", assertion("keyed"), "A".repeat(9 * 1024));
    let reply = server.send(revoke(&oversize, "AT0")).await;
    reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC);
    let in_query = form("/revoke?client_assertion=x.y.z", "token=AT0");
    server
        .send(in_query)
        .await
        .assert_invalid_request(desc::IN_QUERY);
}

#[tokio::test]
async fn without_a_verifier_an_assertion_is_a_method_not_allowed() {
    let store = store();
    let server = serve(app(&store, RequestReader::default())).await;
    let reply = server.send(revoke(&assertion("keyed"), "AT0")).await;
    reply.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
    assert!(is_active(&store, "AT0").await);
}

#[tokio::test]
async fn a_client_with_keys_only_never_authenticates_with_its_id_alone() {
    let (store, server) = server().await;
    let none = server
        .send(form("/revoke", "client_id=keyed&token=AT0"))
        .await;
    none.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    let guessed = server
        .send(form("/revoke", "client_id=keyed&client_secret=x&token=AT0"))
        .await;
    guessed.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    assert!(is_active(&store, "AT0").await);
    // A client with a secret and keys may use either.
    let secret = form("/revoke", "token=BT1").header("authorization", basic("both:b0th-s3cr3t"));
    server.send(secret).await.assert_revoked();
}
