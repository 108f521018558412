//! RFC 9728 over real HTTP: a resource server serves its protected
//! resource metadata, and every challenge of its guard names it
//! (`resource_metadata`, §5.1), whatever order the options were set in.

use crate::support::endpoint::store;
use crate::support::request::{get, request};
use crate::support::wire::serve;
use crate::support::{desc, error_body};
use http::Method;
use tower_revoke::metadata::ProtectedResourceMetadata;
use tower_revoke::response::Realm;
use tower_revoke::BearerAuthLayer;

const RESOURCE: &str = "https://api.example/mcp";
const METADATA_URL: &str = "https://api.example/.well-known/oauth-protected-resource/mcp";

#[tokio::test]
async fn the_metadata_is_served_and_named_in_every_challenge() {
    let metadata = ProtectedResourceMetadata::new(RESOURCE)
        .authorization_servers(["https://as.example"])
        .member("resource_name", "the test API");
    assert_eq!(metadata.metadata_url(), METADATA_URL);
    let guard = BearerAuthLayer::new(store())
        .resource_metadata(&metadata.metadata_url())
        .realm(Realm::new("api"));
    let app = axum::Router::new()
        .route(
            "/mcp",
            axum::routing::get(|| async { "tools" }).layer(guard),
        )
        .route_service(&metadata.well_known_path(), metadata.service());
    let server = serve(app).await;

    let document = server
        .send(get("/.well-known/oauth-protected-resource/mcp"))
        .await;
    document.assert(200, &document.body, &[("content-type", "application/json")]);
    assert_eq!(
        document.json(),
        serde_json::json!({
            "resource": RESOURCE,
            "authorization_servers": ["https://as.example"],
            "bearer_methods_supported": ["header"],
            "resource_name": "the test API",
        })
    );
    let posted = server
        .send(request(
            Method::POST,
            "/.well-known/oauth-protected-resource/mcp",
        ))
        .await;
    posted.assert(405, b"", &[("allow", "GET, HEAD")]);

    let with =
        |error: &str| format!(r#"Bearer realm="api"{error}, resource_metadata="{METADATA_URL}""#);
    let none = server.send(get("/mcp")).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.header("www-authenticate"), Some(with("").as_str()));
    let unknown = server.send(get("/mcp").bearer("nope")).await;
    let challenge = with(r#", error="invalid_token""#);
    unknown.assert_invalid_token(desc::BEARER_INVALID, &challenge);
    assert_eq!(
        &unknown.body[..],
        error_body("invalid_token", desc::BEARER_INVALID).as_bytes()
    );
    assert_eq!(
        &server.send(get("/mcp").bearer("AT1")).await.body[..],
        b"tools"
    );
}

#[test]
#[should_panic(expected = "not a URL a challenge can quote")]
fn a_url_that_cannot_be_quoted_panics() {
    let _ = BearerAuthLayer::new(store()).resource_metadata("https://x/\"a");
}
