//! `private_key_jwt` beyond the revocation endpoint: introspection, RFC
//! 8414 metadata, an extractor in a handler of one's own (a token
//! endpoint), and the audit event, which names the method and never the
//! assertion.

use crate::fixture::{revoke, server, store, verifier};
use crate::support::assertion::{assertion, form as assertion_form};
use crate::support::request::form;
use crate::support::{challenge, desc};
use axum::response::{IntoResponse, Response};
use axum::{routing, Extension, Router};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;
use tower_revoke::audit::{EventOutcome, RevocationEvent};
use tower_revoke::client::{AssertionEndpoint, ClientAuthMethod};
use tower_revoke::metadata::AuthorizationServerMetadata;
use tower_revoke::request::{ClientRevocation, RequestReader};
use tower_revoke::revocation::RevocationResponder;
use tower_revoke::{IntrospectionEndpointLayer, MemoryStore, RevocationEndpointLayer};

#[tokio::test]
async fn introspection_authenticates_a_keyed_client_by_assertion() {
    let (_, server) = server().await;
    let introspect = |assertion: &str| form("/introspect", assertion_form(assertion, "token=AT3"));
    let once = assertion("keyed");
    let active = server.send(introspect(&once)).await.assert_active();
    assert_eq!(active["client_id"], "keyed");
    let replay = server.send(introspect(&once)).await;
    replay.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
}

/// The metadata of both endpoints read by `reader`.
fn metadata(store: &MemoryStore, reader: RequestReader) -> serde_json::Value {
    let revocation = RevocationEndpointLayer::new(store.clone()).reader(reader.clone());
    let introspection = IntrospectionEndpointLayer::new(store.clone()).reader(reader);
    AuthorizationServerMetadata::new("https://as.example")
        .revocation_endpoint(&revocation)
        .introspection_endpoint(&introspection)
        .to_json()
}

#[tokio::test]
async fn metadata_lists_the_method_and_its_algorithms_only_where_it_is_on() {
    let store = store();
    let on = metadata(
        &store,
        RequestReader::default().client_assertions(verifier(&store)),
    );
    let algorithms = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ];
    for endpoint in ["revocation", "introspection"] {
        let methods = &on[format!("{endpoint}_endpoint_auth_methods_supported")];
        assert!(
            methods
                .as_array()
                .unwrap()
                .contains(&"private_key_jwt".into()),
            "{on}"
        );
        assert!(
            !methods
                .as_array()
                .unwrap()
                .contains(&"client_secret_jwt".into()),
            "{on}"
        );
        let algs = &on[format!("{endpoint}_endpoint_auth_signing_alg_values_supported")];
        assert_eq!(algs, &serde_json::json!(algorithms), "{on}");
    }
    let off = metadata(&store, RequestReader::default());
    let members = off.as_object().unwrap();
    assert!(
        members.keys().all(|name| !name.contains("signing_alg")),
        "{off}"
    );
    assert_eq!(
        off["revocation_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
    );
}

/// A token endpoint of one's own: reads the form with the reader, then
/// authenticates the client at [`AssertionEndpoint::Token`].
async fn token_endpoint(
    Extension(store): Extension<MemoryStore>,
    Extension(reader): Extension<RequestReader>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, reader.get_max_body_size())
        .await
        .unwrap();
    let form = match reader.read_client_form(&parts, &body) {
        Ok(form) => form,
        Err(rejection) => return rejection.into_response(),
    };
    let responder = RevocationResponder::default();
    let at = AssertionEndpoint::Token;
    match responder
        .authenticate_at(&store, &reader, &form.credentials, at)
        .await
    {
        Ok(client) => {
            let method = form.credentials.method().as_str();
            format!("{} {method}", client.client_id.as_str()).into_response()
        }
        Err(refused) => refused.map(axum::body::Body::new),
    }
}

#[tokio::test]
async fn a_handler_of_ones_own_reads_and_authenticates_an_assertion() {
    let store = store();
    let reader = RequestReader::default().client_assertions(verifier(&store));
    let app = Router::new()
        .route("/oauth/token", routing::post(token_endpoint))
        .layer(Extension(reader))
        .layer(Extension(store));
    let body = assertion_form(&assertion("keyed"), "grant_type=client_credentials");
    let reply = form("/oauth/token", body.clone()).send(&app).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body[..]),
        (200, &b"keyed private_key_jwt"[..])
    );
    let replayed = form("/oauth/token", body).send(&app).await;
    replayed.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
}

#[tokio::test]
async fn the_audit_event_names_the_method_and_never_the_assertion() {
    let store = store();
    let events = Arc::new(Mutex::new(Vec::<RevocationEvent>::new()));
    let recorded = events.clone();
    let reader = RequestReader::default().client_assertions(verifier(&store));
    let layer = RevocationEndpointLayer::new(store.clone())
        .reader(reader)
        .events(move |event: &RevocationEvent| recorded.lock().unwrap().push(event.clone()));
    let app = Router::new().layer(layer);
    let once = assertion("keyed");
    for expected in [
        EventOutcome::Revoked { cascaded: 0 },
        EventOutcome::ClientAuthenticationFailed,
    ] {
        let response = app
            .clone()
            .oneshot(revoke(&once, "AT0").build())
            .await
            .unwrap();
        let event = events.lock().unwrap().pop().expect("one event");
        assert_eq!(event.outcome, expected, "{}", response.status());
        assert_eq!(
            event.client_auth_method,
            Some(ClientAuthMethod::PrivateKeyJwt)
        );
        assert_eq!(
            event.client_id.as_ref().map(|id| id.as_str()),
            Some("keyed")
        );
        assert!(!format!("{event:?}").contains(&once[..40]), "{event:?}");
    }
}

/// What the `ClientRevocation` extractor read: method, client id, token.
async fn extracted(revocation: ClientRevocation) -> String {
    let credentials = &revocation.credentials;
    let secret = credentials.client_secret().is_some();
    format!(
        "{} {} {} secret:{secret}",
        credentials.method().as_str(),
        credentials.client_id().as_str(),
        revocation.request.token().secret()
    )
}

#[tokio::test]
async fn the_extractor_reads_an_assertions_client_without_verifying_it() {
    let store = store();
    let reader = RequestReader::default().client_assertions(verifier(&store));
    let app = Router::new()
        .route("/revoke", routing::post(extracted))
        .layer(Extension(reader));
    let reply = revoke(&assertion("keyed"), "AT0").send(&app).await;
    let expected = &b"private_key_jwt keyed AT0 secret:false"[..];
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, expected));
    let plain = Router::new().route("/revoke", routing::post(extracted));
    let refused = revoke(&assertion("keyed"), "AT0").send(&plain).await;
    refused.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
}
