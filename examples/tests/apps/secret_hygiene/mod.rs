//! No token, client secret or `Authorization` value reaches a log line or a
//! `Debug` rendering.
//!
//! The demo app (revocation endpoint and Bearer guard over the seeded
//! `MemoryStore`) runs under a `tracing` subscriber at TRACE that captures
//! everything into a buffer, while it answers successful, refused and
//! malformed revocation requests and Bearer requests. The capture must hold
//! none of the secrets sent, raw, form-encoded or base64-encoded; and the
//! `Debug` of every public type that holds one must redact it
//! ([`debug`]), and what a refused request logs is bounded ([`bounded`]).

mod bounded;
mod debug;

use tower_revoke_examples::demo as app;

use axum::body::Body;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;
use tower_revoke_test_support::logs::{Capture, Spans};

const SEED: &str = app::SEED;
const FORM: &str = "application/x-www-form-urlencoded";

/// Every secret the tests send: the seed's tokens and client secrets, and
/// made-up ones the store has never seen.
const SECRETS: &[&str] = &[
    "AT1",
    "RT1",
    "AT2",
    "PAT1",
    "OT1",
    "s3cr3t",
    "0th3r-s3cr3t",
    "wr0ng-s3cr3t-77",
    "never-issued-tok-91",
    "bearer-tok-55.x_y",
    "p@ss w:rd+%",
];

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// What must never appear: each secret raw, form-encoded, percent-encoded,
/// and every `Authorization` value sent, whole, without its scheme, and
/// base64-decoded.
fn needles(authorizations: &[String]) -> Vec<String> {
    let mut needles: Vec<String> = Vec::new();
    for secret in SECRETS {
        needles.push(secret.to_string());
        needles.push(form_encode(secret));
    }
    for value in authorizations {
        needles.push(value.clone());
        if let Some((_, credentials)) = value.split_once(' ') {
            needles.push(credentials.to_owned());
            if let Ok(decoded) = STANDARD.decode(credentials) {
                needles.push(String::from_utf8_lossy(&decoded).into_owned());
            }
        }
    }
    needles.sort();
    needles.dedup();
    needles
}

/// One request to the app: `(status, body)`.
async fn send(app: &app::App, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn revoke(authorization: Option<&str>, content_type: &str, body: String) -> Request<Body> {
    let mut request = Request::post(app::REVOKE_PATH).header(CONTENT_TYPE, content_type);
    if let Some(value) = authorization {
        request = request.header(AUTHORIZATION, value);
    }
    request.body(Body::from(body)).unwrap()
}

fn bearer(values: &[&str]) -> Request<Body> {
    let mut request = Request::get("/me");
    for value in values {
        request = request.header(AUTHORIZATION, *value);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn trace_output_never_contains_tokens_secrets_or_authorization_values() {
    // The test runs on a current-thread runtime: everything it polls logs
    // on this thread, into this capture.
    let capture = Capture::start(Spans::Full);

    let app = app::app(BoxStore::new(MemoryStore::from_seed_file(SEED).unwrap()));
    let app1 = basic("app1", "s3cr3t");
    let app2 = basic("app2", "0th3r-s3cr3t");
    let wrong = basic("app1", "wr0ng-s3cr3t-77");
    let odd = basic("app1", &form_encode("p@ss w:rd+%"));
    let not_base64 = "Basic s3cr3t!!".to_owned();
    let other_scheme = "Digest username=\"app1\", response=\"s3cr3t\"".to_owned();
    let bearer_values = [
        "Bearer PAT1".to_owned(),
        "Bearer AT1".to_owned(),
        "Bearer bearer-tok-55.x_y".to_owned(),
        "Bearer never-issued-tok-91 junk".to_owned(),
        "Bearer AT2".to_owned(),
    ];
    let expectations: Vec<(Request<Body>, StatusCode)> = vec![
        // Revocation requests: success, by each method.
        (
            revoke(
                Some(&app1),
                FORM,
                "token=AT1&token_type_hint=access_token".into(),
            ),
            StatusCode::OK,
        ),
        (
            revoke(
                None,
                FORM,
                "client_id=app1&client_secret=s3cr3t&token=RT1".into(),
            ),
            StatusCode::OK,
        ),
        (
            revoke(None, FORM, "client_id=pub1&token=PAT1".into()),
            StatusCode::OK,
        ),
        (
            revoke(Some(&app1), FORM, "token=never-issued-tok-91".into()),
            StatusCode::OK,
        ),
        // Refused client authentication.
        (
            revoke(Some(&wrong), FORM, "token=AT2".into()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            revoke(Some(&odd), FORM, "token=AT2".into()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            revoke(Some(&not_base64), FORM, "token=AT2".into()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            revoke(Some(&other_scheme), FORM, "token=AT2".into()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            revoke(
                None,
                FORM,
                "client_id=app1&client_secret=wr0ng-s3cr3t-77&token=AT2".into(),
            ),
            StatusCode::UNAUTHORIZED,
        ),
        // Another client's token.
        (
            revoke(Some(&app2), FORM, "token=AT2".into()),
            StatusCode::BAD_REQUEST,
        ),
        // Malformed requests.
        (
            revoke(Some(&app1), FORM, "token=AT2%ZZ".into()),
            StatusCode::BAD_REQUEST,
        ),
        (
            revoke(Some(&app1), FORM, "token=AT2&token=OT1".into()),
            StatusCode::BAD_REQUEST,
        ),
        (
            revoke(Some(&app1), FORM, "token=AT2&client_secret=s3cr3t".into()),
            StatusCode::BAD_REQUEST,
        ),
        (
            revoke(Some(&app1), "application/json", r#"{"token":"AT2"}"#.into()),
            StatusCode::BAD_REQUEST,
        ),
        (
            revoke(
                Some(&app1),
                FORM,
                format!("token=AT2&x={}", "s3cr3t".repeat(5000)),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Request::post(format!(
                "{}?token=AT2&client_secret=s3cr3t",
                app::REVOKE_PATH
            ))
            .header(CONTENT_TYPE, FORM)
            .body(Body::from("token=OT1"))
            .unwrap(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Request::get(format!("{}?token=AT2", app::REVOKE_PATH))
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        // Bearer requests: active, revoked, unknown, malformed, repeated.
        (bearer(&[&bearer_values[4]]), StatusCode::OK),
        (bearer(&[&bearer_values[1]]), StatusCode::UNAUTHORIZED),
        (bearer(&[&bearer_values[0]]), StatusCode::UNAUTHORIZED),
        (bearer(&[&bearer_values[2]]), StatusCode::UNAUTHORIZED),
        (bearer(&[&bearer_values[3]]), StatusCode::BAD_REQUEST),
        (
            bearer(&[&bearer_values[4], &bearer_values[2]]),
            StatusCode::BAD_REQUEST,
        ),
        (bearer(&[&app1]), StatusCode::UNAUTHORIZED),
    ];
    for (i, (request, expected)) in expectations.into_iter().enumerate() {
        let (status, body) = send(&app, request).await;
        assert_eq!(status, expected, "request {i}: {body}");
        for secret in SECRETS {
            assert!(
                !body.contains(secret),
                "request {i}: the response body echoes {secret:?}: {body}"
            );
        }
    }

    let mut authorizations = vec![app1, app2, wrong, odd, not_base64, other_scheme];
    authorizations.extend(bearer_values);
    let output = capture.text();
    // The capture works, and logs outcomes with client ids.
    assert!(
        output.contains("revocation request"),
        "nothing captured:\n{output}"
    );
    assert!(output.contains("app1"), "client ids are logged:\n{output}");
    for needle in needles(&authorizations) {
        assert!(
            !output.contains(&needle),
            "the trace output contains {needle:?}:\n{output}"
        );
    }
}
