//! Responses read whole, and the checks the tests make of them.

use super::{challenge, desc, error_body, JSON};
use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;

/// A response, read whole. Two replies are equal when their status,
/// headers and body are.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The request's method: a response to `HEAD` has no body.
    method: Method,
    /// The request, for assertion messages (through `Debug`, which the
    /// dead-code lint does not count as a read).
    #[allow(dead_code)]
    request: String,
}

impl PartialEq for Reply {
    fn eq(&self, other: &Self) -> bool {
        (self.status, &self.headers, &self.body) == (other.status, &other.headers, &other.body)
    }
}

impl Reply {
    /// Reads `response` to its end; `method` is the request's.
    pub async fn read<B>(method: Method, response: Response<B>) -> Self
    where
        B: http_body::Body,
        B::Error: std::fmt::Debug,
    {
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Self {
            status: parts.status,
            headers: parts.headers,
            body,
            request: method.to_string(),
            method,
        }
    }

    /// The reply, naming `request` in assertion messages.
    pub(super) fn labelled(self, request: String) -> Self {
        Self { request, ..self }
    }

    /// The body as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }

    /// Asserts a 200 and returns the body as JSON.
    #[track_caller]
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{self:?}");
        self.json()
    }

    /// The only value of header `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.get_all(name).iter();
        let value = values.next()?;
        assert!(values.next().is_none(), "{name} is repeated: {self:?}");
        Some(value.to_str().unwrap())
    }

    /// Asserts the status, the exact body and the exact header set: `headers`
    /// plus only what the transport adds (`content-length` equal to the
    /// body's length, `date`). A response to `HEAD` must have no body and
    /// the `content-length` of `body`.
    #[track_caller]
    pub fn assert(&self, status: u16, body: &[u8], headers: &[(&str, &str)]) {
        assert_eq!(self.status.as_u16(), status, "status of {self:?}");
        let head = self.method == Method::HEAD;
        let expected_body: &[u8] = if head { b"" } else { body };
        assert_eq!(
            String::from_utf8_lossy(&self.body),
            String::from_utf8_lossy(expected_body),
            "body of {self:?}"
        );
        let mut actual = Vec::new();
        for (name, value) in &self.headers {
            let value = value.to_str().unwrap().to_owned();
            match name.as_str() {
                "date" => {}
                "content-length" => assert_eq!(value, body.len().to_string(), "{self:?}"),
                _ => actual.push((name.as_str().to_owned(), value)),
            }
        }
        let mut expected: Vec<_> = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        actual.sort();
        expected.sort();
        assert_eq!(actual, expected, "headers of {self:?}");
    }

    /// Asserts an RFC 6749 §5.2 JSON error with these extra headers.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, description: &str, extra: &[(&str, &str)]) {
        let headers: Vec<_> = JSON.iter().chain(extra).copied().collect();
        self.assert(status, error_body(code, description).as_bytes(), &headers);
    }

    /// Asserts an RFC 6749 §5.2 JSON error with these extra headers and
    /// any `error_description`: a JSON object of `error` and, optionally,
    /// a string `error_description`, and nothing else.
    #[track_caller]
    pub fn assert_error_code(&self, status: u16, code: &str, extra: &[(&str, &str)]) {
        let headers: Vec<_> = JSON.iter().chain(extra).copied().collect();
        self.assert(status, &self.body, &headers);
        let body = self.json();
        let members = body.as_object().expect("a JSON object");
        assert_eq!(body["error"], code, "{self:?}");
        assert!(
            members
                .keys()
                .all(|k| k == "error" || k == "error_description"),
            "{self:?}"
        );
        assert!(
            members
                .get("error_description")
                .is_none_or(Value::is_string),
            "{self:?}"
        );
    }

    /// Asserts 400 `invalid_request` with `description`, without a challenge.
    #[track_caller]
    pub fn assert_invalid_request(&self, description: &str) {
        self.assert_error(400, "invalid_request", description, &[]);
    }

    /// Asserts 401 `invalid_client` with `description` and this challenge.
    #[track_caller]
    pub fn assert_invalid_client(&self, description: &str, challenge: &str) {
        let challenge = [("www-authenticate", challenge)];
        self.assert_error(401, "invalid_client", description, &challenge);
    }

    /// Asserts 401 `invalid_token` with `description` and this challenge.
    #[track_caller]
    pub fn assert_invalid_token(&self, description: &str, challenge: &str) {
        let challenge = [("www-authenticate", challenge)];
        self.assert_error(401, "invalid_token", description, &challenge);
    }

    /// Asserts the Bearer refusal of a request without credentials: 401,
    /// the challenge without an `error` attribute, and no content (RFC 6750
    /// §3.1: no error information).
    #[track_caller]
    pub fn assert_bearer_required(&self, challenge: &str) {
        let headers = [
            ("www-authenticate", challenge),
            ("cache-control", "no-store"),
            ("pragma", "no-cache"),
        ];
        self.assert(401, b"", &headers);
    }

    /// Asserts the Bearer refusal of a malformed token: 400
    /// `invalid_request`, with a challenge naming that error (RFC 6750 §3.1).
    #[track_caller]
    pub fn assert_bearer_malformed(&self, challenge: &str) {
        let challenge = [("www-authenticate", challenge)];
        self.assert_error(400, "invalid_request", desc::BEARER_MALFORMED, &challenge);
    }

    /// Asserts the Bearer refusal of more than one `Authorization` header:
    /// 400 `invalid_request`, with a challenge naming that error (RFC 6750
    /// §3), not `invalid_token`.
    #[track_caller]
    pub fn assert_multiple_authorization(&self) {
        let challenge = [("www-authenticate", challenge::BEARER_INVALID_REQUEST)];
        let description = desc::MULTIPLE_AUTHORIZATION;
        self.assert_error(400, "invalid_request", description, &challenge);
    }

    /// Asserts the endpoint's 401 for a client that failed authentication
    /// with `Authorization: Basic`.
    #[track_caller]
    pub fn assert_auth_failed(&self) {
        self.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC_INVALID_CLIENT);
    }

    /// Asserts the endpoint's 405 with `Allow: POST`.
    #[track_caller]
    pub fn assert_method_not_allowed(&self) {
        self.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    }

    /// Asserts 503 `temporarily_unavailable` with this `Retry-After`.
    #[track_caller]
    pub fn assert_unavailable(&self, retry_after: &str) {
        let retry_after = [("retry-after", retry_after)];
        self.assert_error(
            503,
            "temporarily_unavailable",
            desc::UNAVAILABLE,
            &retry_after,
        );
    }

    /// Asserts the introspection endpoint's 405 with `Allow: POST`.
    #[track_caller]
    pub fn assert_introspection_method_not_allowed(&self) {
        let description = desc::INTROSPECTION_METHOD;
        self.assert_error(405, "invalid_request", description, &[("allow", "POST")]);
    }

    /// Asserts the introspection answer for a token the caller may not
    /// learn about: 200 and exactly `{"active":false}` (RFC 7662 §2.2).
    #[track_caller]
    pub fn assert_inactive(&self) {
        self.assert(200, br#"{"active":false}"#, JSON);
    }

    /// Asserts an active introspection answer and returns its members.
    #[track_caller]
    pub fn assert_active(&self) -> serde_json::Map<String, Value> {
        self.assert(200, &self.body, JSON);
        let body = self.json();
        assert_eq!(body["active"], true, "{self:?}");
        body.as_object().expect("a JSON object").clone()
    }

    /// Asserts the default success: 200, `application/json`, body `{}`.
    #[track_caller]
    pub fn assert_revoked(&self) {
        self.assert(200, b"{}", JSON);
    }

    /// Asserts the endpoint's 200 `{}` with these extra headers.
    #[track_caller]
    pub fn assert_revoked_with(&self, extra: &[(&str, &str)]) {
        let headers: Vec<_> = JSON.iter().chain(extra).copied().collect();
        self.assert(200, b"{}", &headers);
    }

    /// Asserts that none of `secrets` appears in the body or any header.
    #[track_caller]
    pub fn assert_hides(&self, secrets: &[&str]) {
        let body = String::from_utf8_lossy(&self.body);
        for secret in secrets {
            assert!(!body.contains(secret), "body echoes {secret:?}: {self:?}");
            for (name, value) in &self.headers {
                let value = String::from_utf8_lossy(value.as_bytes());
                assert!(
                    !value.contains(secret),
                    "{name} echoes {secret:?}: {self:?}"
                );
            }
        }
    }
}
