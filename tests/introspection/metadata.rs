//! RFC 8414 metadata generated from the layers, served at the well-known
//! path, and true to what the endpoints accept.

use crate::fixture::{layer, store};
use crate::support::request::{form, get, request, Req};
use crate::support::wire::serve;
use axum::Router;
use http::Method;
use serde_json::json;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::metadata::AuthorizationServerMetadata;
use tower_revoke::request::RequestReader;
use tower_revoke::RevocationEndpointLayer;

const ISSUER: &str = "https://as.example";

/// The test app with a revocation endpoint read by `reader`, and the
/// metadata document served at the well-known path.
fn app(reader: RequestReader) -> (Router, AuthorizationServerMetadata) {
    let store = store();
    let revocation = RevocationEndpointLayer::new(store.clone())
        .path("/oauth/revoke")
        .reader(reader.clone());
    let introspection = layer(store.clone())
        .path("/oauth/introspect")
        .reader(reader);
    let metadata = AuthorizationServerMetadata::new(ISSUER)
        .revocation_endpoint(&revocation)
        .introspection_endpoint(&introspection)
        .member("response_types_supported", json!([]));
    let router = Router::new()
        .route_service(&metadata.well_known_path(), metadata.service())
        .layer(revocation)
        .layer(introspection);
    (router, metadata)
}

#[tokio::test]
async fn the_document_is_served_at_the_well_known_path() {
    let (app, _) = app(RequestReader::default());
    let reply = get("/.well-known/oauth-authorization-server")
        .send(&app)
        .await;
    let document = reply.ok();
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let expected = json!({
        "issuer": ISSUER,
        "response_types_supported": [],
        "revocation_endpoint": "https://as.example/oauth/revoke",
        "revocation_endpoint_auth_methods_supported":
            ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint": "https://as.example/oauth/introspect",
        "introspection_endpoint_auth_methods_supported":
            ["client_secret_basic", "client_secret_post"],
    });
    assert_eq!(document, expected);
}

#[tokio::test]
async fn head_gets_the_headers_and_other_methods_405() {
    let (app, metadata) = app(RequestReader::default());
    let path = metadata.well_known_path();
    let head = request(Method::HEAD, &path).send(&app).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let length = metadata.service().document().len().to_string();
    assert_eq!(head.header("content-length"), Some(length.as_str()));
    let post = form(&path, "x=1").send(&app).await;
    assert_eq!(post.status, 405);
}

/// Sends `token=AT1` to `path` authenticated by `method` as `app1`.
fn by(method: &str, path: &str) -> Req {
    let body = "token=AT1";
    match method {
        "client_secret_basic" => form(path, body).basic("app1", "s3cr3t"),
        "client_secret_post" => form(path, format!("{body}&client_id=app1&client_secret=s3cr3t")),
        "none" => form(path, format!("{body}&client_id=pub1")),
        other => panic!("{other}"),
    }
}

/// For every registered method: advertised exactly when the endpoint
/// does not refuse it as a method.
#[tokio::test]
async fn the_advertised_methods_are_exactly_the_accepted_ones() {
    let basic = ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic);
    for methods in [ClientAuthMethods::default(), basic] {
        let reader = RequestReader::default().client_auth_methods(methods);
        let (app, metadata) = app(reader);
        for (endpoint, path) in [
            ("revocation", "/oauth/revoke"),
            ("introspection", "/oauth/introspect"),
        ] {
            let key = format!("{endpoint}_endpoint_auth_methods_supported");
            let advertised = &metadata.members()[&key];
            for method in ["client_secret_basic", "client_secret_post", "none"] {
                let reply = by(method, path).send(&app).await;
                let refused = reply.status == 401;
                let listed = advertised.as_array().unwrap().contains(&json!(method));
                assert_eq!(listed, !refused, "{endpoint} {method}: {reply:?}");
            }
        }
    }
}

#[tokio::test]
async fn the_document_is_served_over_http() {
    let (app, metadata) = app(RequestReader::default());
    let server = serve(app).await;
    let reply = server.send(get(&metadata.well_known_path())).await;
    assert_eq!(reply.ok(), metadata.to_json());
}
