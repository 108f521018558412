//! `TOWER_REVOKE_AUDIT=1`: the demo process prints one line of JSON per
//! revocation request on stdout (issue 15), with the audit schema's
//! fields and never a token or a secret.

use crate::demo::Demo;
use http::{Method, Request};
use http_body_util::Full;
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};
use tower_revoke_examples::demo::SEED;

/// `curl -u ID:SECRET -d BODY http://ADDR/oauth/revoke`.
fn revoke(basic: Option<&str>, body: &str) -> Request<Full<bytes::Bytes>> {
    use base64::Engine;
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/oauth/revoke")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(basic) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(basic);
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    request.body(Full::from(body.to_owned())).unwrap()
}

/// The next audit line (a JSON object), parsed, with `time` checked (Unix milliseconds,
/// within a minute of now) and removed; asserts it quotes none of
/// `secrets`.
pub async fn next_event(demo: &mut Demo, secrets: &[&str]) -> Value {
    // Skip what it printed at start (the `curl` lines to try).
    let line = loop {
        let line = demo.next_line().await;
        if line.starts_with('{') {
            break line;
        }
    };
    for secret in secrets {
        assert!(!line.contains(secret), "{secret:?} in {line}");
    }
    let mut event: Value = serde_json::from_str(&line).expect("one JSON object per line");
    let time = event.as_object_mut().unwrap().remove("time").unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let time = time.as_u64().expect("time in Unix milliseconds");
    assert!(
        now.as_millis().abs_diff(u128::from(time)) < 60_000,
        "{time}"
    );
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_revocation_request_prints_one_audit_line() {
    let _one_at_a_time = crate::serial().await;
    let mut demo = Demo::start("memory", SEED, &[("TOWER_REVOKE_AUDIT", "1")]).await;

    let answer = demo
        .send(revoke(
            Some("app1:s3cr3t"),
            "token=RT1&token_type_hint=refresh_token",
        ))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let event = next_event(&mut demo, &["RT1", "AT1", "s3cr3t"]).await;
    let expected = json!({
        "outcome": "revoked", "status": 200, "cascaded": 1, "client_id": "app1",
        "client_auth_method": "client_secret_basic", "token_kind": "refresh_token",
        "token_type_hint": "refresh_token", "request_id": null,
    });
    assert_eq!(event, expected);

    let answer = demo
        .send(revoke(Some("app1:wr0ng-s3cr3t-77"), "token=AT2"))
        .await
        .unwrap();
    assert_eq!(answer.status, 401);
    let event = next_event(&mut demo, &["AT2", "wr0ng-s3cr3t-77"]).await;
    assert_eq!(event["outcome"], "client_authentication_failed");
    assert_eq!(event["status"], 401);
    assert_eq!(event["client_id"], "app1");
    assert_eq!(event["token_kind"], Value::Null);

    let answer = demo
        .send(revoke(None, "client_id=pub1&token=never-issued-tok-91"))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let event = next_event(&mut demo, &["never-issued-tok-91"]).await;
    assert_eq!(event["outcome"], "unknown");
    assert_eq!(event["client_auth_method"], "none");
    assert_eq!(
        demo.me_status("AT2").await,
        200,
        "a refused request revokes nothing"
    );
}
