//! A router with one handler per extractor, each echoing what it extracted
//! as JSON.

use axum::{routing, Extension, Json, Router};
use serde_json::{json, Value};
use tower_revoke::client::{ClientCredentials, ClientSecret};
use tower_revoke::request::{
    BasicDecoding, BearerToken, ClientRevocation, RequestReader, RevocationRequest, TokenTypeHint,
};

/// The routes, without configuration: the extractors use the default.
pub fn router() -> Router {
    Router::new()
        .route("/request", routing::post(request))
        .route("/revoke", routing::post(revoke))
        .route("/client", routing::get(client))
        .route("/client-optional", routing::get(client_optional))
        .route("/bearer", routing::get(bearer))
        .route("/bearer-optional", routing::get(bearer_optional))
}

/// The routes with `reader` inserted as a request extension.
pub fn router_with(reader: RequestReader) -> Router {
    router().layer(Extension(reader))
}

/// The routes reading Basic credentials strictly as RFC 6749 §2.3.1 asks
/// (form-decoded), not the default lenient way.
pub fn strict_router() -> Router {
    router_with(RequestReader::default().basic_decoding(BasicDecoding::FormUrlEncoded))
}

async fn request(request: RevocationRequest) -> Json<Value> {
    Json(request_json(&request))
}

async fn revoke(revocation: ClientRevocation) -> Json<Value> {
    let mut echo = request_json(&revocation.request);
    echo["client"] = credentials_json(&revocation.credentials);
    Json(echo)
}

async fn client(credentials: ClientCredentials) -> Json<Value> {
    Json(credentials_json(&credentials))
}

async fn client_optional(credentials: Option<ClientCredentials>) -> Json<Value> {
    Json(credentials.as_ref().map_or(Value::Null, credentials_json))
}

async fn bearer(token: BearerToken) -> Json<Value> {
    Json(json!({ "bearer": token.token().secret() }))
}

async fn bearer_optional(token: Option<BearerToken>) -> Json<Value> {
    Json(token.map_or(Value::Null, |t| json!({ "bearer": t.token().secret() })))
}

fn request_json(request: &RevocationRequest) -> Value {
    json!({
        "token": request.token().secret(),
        "hint": request.token_type_hint().map(TokenTypeHint::as_str),
    })
}

fn credentials_json(credentials: &ClientCredentials) -> Value {
    json!({
        "method": credentials.method().as_str(),
        "client_id": credentials.client_id().as_str(),
        "client_secret": credentials.client_secret().map(ClientSecret::secret),
        "raw_alternative": credentials.raw_alternative().map(credentials_json),
    })
}

/// The echo of credentials without a raw alternative.
pub fn creds(method: &str, client_id: &str, client_secret: Option<&str>) -> Value {
    json!({
        "method": method,
        "client_id": client_id,
        "client_secret": client_secret,
        "raw_alternative": null,
    })
}

/// The echo of `client_secret_basic` credentials without a raw alternative.
pub fn basic_creds(client_id: &str, client_secret: &str) -> Value {
    creds("client_secret_basic", client_id, Some(client_secret))
}
