//! A router with one handler per extractor, each echoing what it extracted
//! as JSON, and helpers to send requests and check RFC 6749 §5.2 errors.

use axum::body::Body;
use axum::{routing, Extension, Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;
use tower_revoke::{
    BearerToken, ClientCredentials, ClientRevocation, ClientSecret, RevocationConfig,
    RevocationRequest, TokenTypeHint,
};

pub const FORM: &str = "application/x-www-form-urlencoded";

/// The `error_description` of each rejection.
pub mod desc {
    pub const CONTENT_TYPE: &str = "unsupported or missing content type";
    pub const FORM_ENCODING: &str = "request body is not valid form encoding";
    pub const DUPLICATE: &str = "a request parameter was repeated";
    pub const MISSING_TOKEN: &str = "the token parameter is missing";
    pub const IN_QUERY: &str = "tokens and client secrets are not accepted in the query string";
    pub const TOO_LARGE: &str = "request body is too large";
    pub const FAILED_TO_READ: &str = "failed to read the request body";
    pub const MISSING_CLIENT: &str = "client authentication is required";
    pub const MALFORMED_CLIENT: &str = "malformed client credentials";
    pub const OTHER_SCHEME: &str = "unsupported authorization scheme for client authentication";
    pub const METHOD_NOT_ALLOWED: &str = "client authentication method not allowed";
    pub const MULTIPLE_METHODS: &str = "more than one client authentication method was used";
    pub const CLIENT_ID_MISMATCH: &str = "client_id does not match the authenticated client";
    pub const MISSING_CLIENT_ID: &str = "client_secret requires client_id";
    pub const BEARER_REQUIRED: &str = "a bearer token is required";
    pub const BEARER_INVALID: &str = "the bearer token is malformed, expired or revoked";
    pub const MULTIPLE_AUTHORIZATION: &str = "more than one authorization header";
}

/// The default realm's challenges.
pub mod challenge {
    pub const BASIC: &str = r#"Basic realm="tower-revoke""#;
    pub const BASIC_INVALID_CLIENT: &str = r#"Basic realm="tower-revoke", error="invalid_client""#;
    pub const BEARER: &str = r#"Bearer realm="tower-revoke""#;
    pub const BEARER_INVALID_TOKEN: &str = r#"Bearer realm="tower-revoke", error="invalid_token""#;
}

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

/// The routes with `config` inserted as a request extension.
pub fn router_with(config: RevocationConfig) -> Router {
    router().layer(Extension(config))
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

/// `Basic` followed by the standard base64 of `id_secret`.
pub fn basic(id_secret: impl AsRef<[u8]>) -> String {
    format!("Basic {}", STANDARD.encode(id_secret))
}

/// A request under construction.
pub struct Req {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Body,
    case: String,
}

/// A form POST with `Content-Type: application/x-www-form-urlencoded`.
pub fn form(uri: &str, body: impl Into<Body>) -> Req {
    post(uri, body).header("content-type", FORM)
}

/// A POST without `Content-Type`.
pub fn post(uri: &str, body: impl Into<Body>) -> Req {
    Req {
        method: Method::POST,
        uri: uri.to_owned(),
        headers: HeaderMap::new(),
        body: body.into(),
        case: String::new(),
    }
}

/// A GET without body.
pub fn get(uri: &str) -> Req {
    Req {
        method: Method::GET,
        uri: uri.to_owned(),
        headers: HeaderMap::new(),
        body: Body::empty(),
        case: String::new(),
    }
}

impl Req {
    /// Appends a header; repeated names give repeated headers.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        let value = HeaderValue::from_bytes(value.as_ref()).unwrap();
        self.headers.append(name, value);
        self
    }

    /// Names the case in assertion messages.
    pub fn case(mut self, case: &str) -> Self {
        self.case = case.to_owned();
        self
    }

    /// Sends the request through `app` and reads the whole response.
    pub async fn send(self, app: &Router) -> Reply {
        let label = format!(
            "{} {} {} {:?}",
            self.case, self.method, self.uri, self.headers
        );
        let mut request = Request::builder()
            .method(self.method)
            .uri(self.uri)
            .body(self.body)
            .unwrap();
        *request.headers_mut() = self.headers;
        let response = app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
            label,
        }
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    label: String,
}

impl Reply {
    /// Asserts a 200 and returns the handler's JSON echo.
    #[track_caller]
    pub fn ok(&self) -> Value {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{}: {:?}",
            self.label,
            self.body
        );
        serde_json::from_slice(&self.body).unwrap()
    }

    /// Asserts an RFC 6749 §5.2 error: status, JSON and cache headers, the
    /// exact body, and exactly the `WWW-Authenticate` values `challenge`.
    #[track_caller]
    pub fn error(&self, status: u16, error: &str, description: &str, challenge: Option<&str>) {
        let label = &self.label;
        assert_eq!(self.status.as_u16(), status, "{label}: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json", "{label}");
        assert_eq!(self.headers["cache-control"], "no-store", "{label}");
        assert_eq!(self.headers["pragma"], "no-cache", "{label}");
        let expected = format!(r#"{{"error":"{error}","error_description":"{description}"}}"#);
        assert_eq!(self.body, expected.as_bytes(), "{label}");
        let challenges: Vec<_> = self.headers.get_all(WWW_AUTHENTICATE).iter().collect();
        assert_eq!(challenges, Vec::from_iter(challenge), "{label}");
    }

    /// A 400 `invalid_request` without a challenge.
    #[track_caller]
    pub fn invalid_request(&self, description: &str) {
        self.error(400, "invalid_request", description, None);
    }

    /// A 401 `invalid_client` with this Basic challenge.
    #[track_caller]
    pub fn invalid_client(&self, description: &str, challenge: &str) {
        self.error(401, "invalid_client", description, Some(challenge));
    }

    /// Asserts that none of `secrets` appears in the body or any header.
    #[track_caller]
    pub fn hides(&self, secrets: &[&str]) {
        let body = String::from_utf8_lossy(&self.body);
        for secret in secrets {
            assert!(
                !body.contains(secret),
                "{}: body echoes {secret:?}",
                self.label
            );
            for (name, value) in &self.headers {
                let value = String::from_utf8_lossy(value.as_bytes());
                assert!(
                    !value.contains(secret),
                    "{}: {name} echoes {secret:?}",
                    self.label
                );
            }
        }
    }
}
