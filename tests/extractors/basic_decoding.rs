//! The three `BasicDecoding` policies over secrets holding `:`, `%`, `+`,
//! a space and non-ASCII, sent form-encoded (RFC 6749 §2.3.1) and raw
//! (RFC 7617 §2).

use crate::client_auth::malformed_basic;
use crate::echo::{basic_creds, router_with};
use crate::support::reply::Reply;
use crate::support::request::{basic, form, get};
use crate::support::{challenge, desc};
use serde_json::{json, Value};
use tower_revoke::request::{BasicDecoding, RequestReader};

/// The secret as the client holds it.
const SECRET: &str = "p:a%b+c d-ä";
/// The same secret form-encoded, as RFC 6749 §2.3.1 asks.
const ENCODED: &str = "p%3Aa%25b%2Bc+d-%C3%A4";

fn app(decoding: BasicDecoding) -> axum::Router {
    router_with(RequestReader::default().basic_decoding(decoding))
}

async fn client(decoding: BasicDecoding, id_secret: &str) -> Reply {
    get("/client")
        .header("authorization", basic(id_secret))
        .send(&app(decoding))
        .await
}

fn with_raw_alternative(secret: &str, raw_secret: &str) -> Value {
    let mut echo = basic_creds("app1", secret);
    echo["raw_alternative"] = basic_creds("app1", raw_secret);
    echo
}

#[tokio::test]
async fn form_policy_decodes_an_encoded_secret() {
    let reply = client(BasicDecoding::FormUrlEncoded, &format!("app1:{ENCODED}")).await;
    assert_eq!(reply.ok(), basic_creds("app1", SECRET));
}

#[tokio::test]
async fn form_policy_refuses_a_raw_secret_with_a_bare_percent() {
    let reply = client(BasicDecoding::FormUrlEncoded, &format!("app1:{SECRET}")).await;
    reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC_INVALID_CLIENT);
}

#[tokio::test]
async fn form_policy_reads_plus_in_a_raw_secret_as_a_space() {
    let reply = client(BasicDecoding::FormUrlEncoded, "app1:p:a+c d-ä").await;
    assert_eq!(reply.ok(), basic_creds("app1", "p:a c d-ä"));
}

#[tokio::test]
async fn raw_policy_takes_an_encoded_secret_literally() {
    let reply = client(BasicDecoding::Raw, &format!("app1:{ENCODED}")).await;
    assert_eq!(reply.ok(), basic_creds("app1", ENCODED));
}

#[tokio::test]
async fn raw_policy_takes_a_raw_secret_as_sent() {
    let reply = client(BasicDecoding::Raw, &format!("app1:{SECRET}")).await;
    assert_eq!(reply.ok(), basic_creds("app1", SECRET));
}

#[tokio::test]
async fn raw_policy_accepts_what_form_decoding_refuses() {
    let reply = client(BasicDecoding::Raw, "app1:%ZZ%FF").await;
    assert_eq!(reply.ok(), basic_creds("app1", "%ZZ%FF"));
}

#[tokio::test]
async fn lenient_policy_reads_an_encoded_secret_with_the_literal_as_alternative() {
    let reply = client(BasicDecoding::Lenient, &format!("app1:{ENCODED}")).await;
    assert_eq!(reply.ok(), with_raw_alternative(SECRET, ENCODED));
}

#[tokio::test]
async fn lenient_policy_falls_back_to_raw_when_form_decoding_fails() {
    let reply = client(BasicDecoding::Lenient, &format!("app1:{SECRET}")).await;
    assert_eq!(reply.ok(), basic_creds("app1", SECRET));
}

#[tokio::test]
async fn lenient_policy_offers_both_readings_of_a_plus() {
    let reply = client(BasicDecoding::Lenient, "app1:a+b").await;
    assert_eq!(reply.ok(), with_raw_alternative("a b", "a+b"));
}

#[tokio::test]
async fn lenient_policy_has_no_alternative_when_both_readings_agree() {
    let reply = client(BasicDecoding::Lenient, "app1:pläin").await;
    assert_eq!(reply.ok(), basic_creds("app1", "pläin"));
}

#[tokio::test]
async fn encoded_colon_in_the_client_id_depends_on_the_policy() {
    let reply = client(BasicDecoding::FormUrlEncoded, "a%3Ab:s").await;
    assert_eq!(reply.ok()["client_id"], json!("a:b"));
    let reply = client(BasicDecoding::Raw, "a%3Ab:s").await;
    assert_eq!(reply.ok()["client_id"], json!("a%3Ab"));
}

#[tokio::test]
async fn malformed_basic_is_refused_under_every_policy() {
    for decoding in [
        BasicDecoding::FormUrlEncoded,
        BasicDecoding::Raw,
        BasicDecoding::Lenient,
    ] {
        let app = app(decoding);
        for (what, value) in malformed_basic() {
            if decoding != BasicDecoding::FormUrlEncoded && what.contains("escape") {
                continue; // Escapes mean nothing without form decoding.
            }
            let reply = get("/client")
                .header("authorization", &value)
                .case(&format!("{what} {decoding:?}"))
                .send(&app)
                .await;
            reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC_INVALID_CLIENT);
        }
    }
}

#[tokio::test]
async fn basic_decoding_configuration_reaches_the_body_extractor() {
    let reply = form("/revoke", "token=abc&client_id=app1")
        .header("authorization", basic(format!("app1:{SECRET}")))
        .send(&app(BasicDecoding::Raw))
        .await;
    assert_eq!(reply.ok()["client"], basic_creds("app1", SECRET));
    let reply = form("/revoke", "token=abc")
        .header("authorization", basic(format!("app1:{ENCODED}")))
        .send(&app(BasicDecoding::Lenient))
        .await;
    assert_eq!(reply.ok()["client"], with_raw_alternative(SECRET, ENCODED));
}
