//! A single-page app at `https://spa.example` revoking its own token at
//! logout, as a browser does it (issue 15): the preflight, then the
//! public-client revoke with `Origin`, against the demo process, whose
//! CORS policy comes from the seed's `allowed_origins`.

use crate::demo::{Answer, Demo};
use http::{Method, Request};
use http_body_util::Full;
use tower_revoke_examples::demo::SEED;

const SPA: &str = "https://spa.example";
const EVIL: &str = "https://evil.example";

fn preflight(origin: &str) -> Request<Full<bytes::Bytes>> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/oauth/revoke")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Full::default())
        .unwrap()
}

/// `fetch("/oauth/revoke", {method: "POST", body: new URLSearchParams(body)})`
/// from `origin`.
fn revoke_from(origin: &str, body: &str) -> Request<Full<bytes::Bytes>> {
    Request::builder()
        .method(Method::POST)
        .uri("/oauth/revoke")
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::from(body.to_owned()))
        .unwrap()
}

fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer.headers.get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_page_app_revokes_its_token_from_its_origin() {
    let _one_at_a_time = crate::serial().await;
    let demo = Demo::start("memory", SEED, &[]).await;
    assert_eq!(demo.me_status("SPA1").await, 200);

    let granted = demo.send(preflight(SPA)).await.unwrap();
    assert_eq!(granted.status, 204);
    assert_eq!(header(&granted, "access-control-allow-origin"), Some(SPA));
    assert_eq!(
        header(&granted, "access-control-allow-methods"),
        Some("POST")
    );
    assert_eq!(header(&granted, "access-control-allow-credentials"), None);
    assert!(granted.body.is_empty());

    // The app can read the error of a request it got wrong...
    let error = demo.send(revoke_from(SPA, "client_id=spa")).await.unwrap();
    assert_eq!(error.status, 400);
    assert_eq!(header(&error, "access-control-allow-origin"), Some(SPA));
    assert_eq!(header(&error, "vary"), Some("origin"));
    let body: serde_json::Value = serde_json::from_slice(&error.body).unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(
        demo.me_status("SPA1").await,
        200,
        "an error revokes nothing"
    );

    // ...and the answer of the logout itself.
    let revoked = demo
        .send(revoke_from(SPA, "client_id=spa&token=SPA1"))
        .await
        .unwrap();
    assert_eq!(revoked.status, 200);
    assert_eq!(header(&revoked, "access-control-allow-origin"), Some(SPA));
    assert_eq!(header(&revoked, "vary"), Some("origin"));
    assert_eq!(&revoked.body[..], b"{}");
    assert_eq!(demo.me_status("SPA1").await, 401);
    assert_eq!(
        demo.me_status("PAT1").await,
        200,
        "other tokens stay active"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_get_no_grant() {
    let _one_at_a_time = crate::serial().await;
    let demo = Demo::start("memory", SEED, &[]).await;

    let refused = demo.send(preflight(EVIL)).await.unwrap();
    assert_eq!(refused.status, 204);
    assert_eq!(header(&refused, "access-control-allow-origin"), None);

    // pub1 has no allowed origins: spa's origin is not granted for it,
    // though the request itself is served (CORS is the browser's check).
    let answer = demo
        .send(revoke_from(SPA, "client_id=pub1&token=PAT1"))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
    let answer = demo
        .send(revoke_from(EVIL, "client_id=spa&token=SPA1"))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
}
