//! CORS on the revocation endpoint, decided per client: browser apps are
//! public clients that revoke their own tokens at logout (RFC 7009 §2,
//! RFC 8252 §8.4), and each may call from its own origins only.
//!
//! [`CorsPolicy`] says which origins each client may call from (and which
//! origins any client may). The endpoint, given one with
//! [`RevocationEndpointLayer::cors`](crate::RevocationEndpointLayer::cors):
//! - answers a preflight (`OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method: POST`) on its path itself: 204 with the
//!   grant when the origin is allowed for some client, 204 without any grant
//!   otherwise (the browser then refuses the actual request);
//! - on the actual request, adds `Access-Control-Allow-Origin` (the exact
//!   origin, never `*`) when the origin is allowed for the authenticated
//!   client, to error responses too; for errors before a client is known
//!   (a malformed request, a failed client authentication), when the origin
//!   is allowed for any client, so that the app can read the RFC 6749 error;
//! - always adds `Vary: Origin`, so a shared cache never serves one origin's
//!   answer to another.
//!
//! Credentials mode (`Access-Control-Allow-Credentials: true`) is off unless
//! configured: a public client sends no cookie and no `Authorization`
//! header, and RFC 7009 §2.1 needs neither.
//!
//! tower-http's `CorsLayer` decides from the request's headers alone, the
//! same for every client, and wraps the whole app; the decision here needs
//! the authenticated client, so it is written for the endpoint (the
//! response headers are the Fetch standard's, §3.2.3).

use crate::client::ClientId;
use crate::store::{is_origin, Seed};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// Which origins may call the revocation endpoint from a browser: per
/// client, and for every client. Origins are compared exactly, as
/// serialized by browsers (`https://spa.example`, `http://localhost:5173`).
///
/// # Example
/// ```
/// use tower_revoke::{MemoryStore, RevocationEndpointLayer};
/// use tower_revoke::cors::CorsPolicy;
///
/// let cors = CorsPolicy::new().allow_origin_for_client("spa", "https://spa.example");
/// let layer = RevocationEndpointLayer::new(MemoryStore::new()).cors(cors);
/// # let _ = layer;
/// ```
#[derive(Debug, Clone)]
pub struct CorsPolicy {
    any_client: HashSet<HeaderValue>,
    per_client: HashMap<Box<str>, HashSet<HeaderValue>>,
    allow_credentials: bool,
    max_age: HeaderValue,
}

impl Default for CorsPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl CorsPolicy {
    /// A policy that allows no origin yet; preflights for 10 minutes.
    pub fn new() -> Self {
        Self {
            any_client: HashSet::new(),
            per_client: HashMap::new(),
            allow_credentials: false,
            max_age: HeaderValue::from_static("600"),
        }
    }

    /// The origins the seed lists for each client (`allowed_origins`).
    pub fn from_seed(seed: &Seed) -> Self {
        let mut policy = Self::new();
        for client in seed.clients() {
            for origin in &client.allowed_origins {
                policy = policy.allow_origin_for_client(client.client_id.as_str(), origin);
            }
        }
        policy
    }

    /// Lets `client_id` call from `origin`.
    ///
    /// # Panics
    /// If `origin` is not a serialized origin (`scheme://host[:port]`, no
    /// path, no trailing `/`).
    #[must_use]
    pub fn allow_origin_for_client(mut self, client_id: &str, origin: &str) -> Self {
        let origin = parse_origin(origin);
        self.per_client
            .entry(client_id.into())
            .or_default()
            .insert(origin);
        self
    }

    /// Lets every client call from `origin`.
    ///
    /// # Panics
    /// As [`allow_origin_for_client`](Self::allow_origin_for_client).
    #[must_use]
    pub fn allow_origin_for_all_clients(mut self, origin: &str) -> Self {
        self.any_client.insert(parse_origin(origin));
        self
    }

    /// Sends `Access-Control-Allow-Credentials: true` (default off): only
    /// for apps that authenticate with cookies besides the client id.
    #[must_use]
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.allow_credentials = allow;
        self
    }

    /// How long a browser may cache a preflight's grant, in whole seconds
    /// (`Access-Control-Max-Age`). Default 600 s.
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = HeaderValue::from(max_age.as_secs());
        self
    }

    /// Whether `origin` may call for some client.
    fn allowed_for_any(&self, origin: &HeaderValue) -> bool {
        self.any_client.contains(origin) || self.per_client.values().any(|o| o.contains(origin))
    }

    /// Whether `origin` may call for `client_id`.
    fn allowed_for(&self, client_id: &ClientId, origin: &HeaderValue) -> bool {
        let own = self.per_client.get(client_id.as_str());
        self.any_client.contains(origin) || own.is_some_and(|o| o.contains(origin))
    }

    /// The answer to a preflight from `headers`' `Origin`.
    pub(crate) fn preflight(
        &self,
        headers: &HeaderMap,
        allowed_headers: &HeaderValue,
    ) -> Response<http_body_util::Full<bytes::Bytes>> {
        let mut response = Response::new(Default::default());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let out = response.headers_mut();
        out.insert(
            header::VARY,
            HeaderValue::from_static(
                "origin, access-control-request-method, access-control-request-headers",
            ),
        );
        let origin = headers
            .get(header::ORIGIN)
            .filter(|o| self.allowed_for_any(o));
        if let Some(origin) = origin {
            self.grant(out, origin);
            out.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            );
            out.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                allowed_headers.clone(),
            );
            out.insert(header::ACCESS_CONTROL_MAX_AGE, self.max_age.clone());
        }
        response
    }

    /// Adds the CORS headers of an actual request's answer: the grant when
    /// `origin` is allowed for `client` (or, with no client known yet, for
    /// any client), and `Vary: Origin` always.
    pub(crate) fn decorate(
        &self,
        headers: &mut HeaderMap,
        origin: Option<&HeaderValue>,
        client: Option<&ClientId>,
    ) {
        headers.append(header::VARY, HeaderValue::from_static("origin"));
        let Some(origin) = origin else { return };
        let allowed = match client {
            Some(client) => self.allowed_for(client, origin),
            None => self.allowed_for_any(origin),
        };
        if allowed {
            self.grant(headers, origin);
        }
    }

    fn grant(&self, headers: &mut HeaderMap, origin: &HeaderValue) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        if self.allow_credentials {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

/// Whether a request to the endpoint is a CORS preflight (Fetch §3.2.2).
pub(crate) fn is_preflight(method: &http::Method, headers: &HeaderMap) -> bool {
    method == http::Method::OPTIONS
        && headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

fn parse_origin(origin: &str) -> HeaderValue {
    match HeaderValue::from_str(origin) {
        Ok(value) if is_origin(origin) => value,
        _ => panic!("CorsPolicy: {origin:?} is not an origin (scheme://host[:port])"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(value: &'static str) -> HeaderValue {
        HeaderValue::from_static(value)
    }

    #[test]
    fn origins_are_allowed_per_client_and_for_all() {
        let policy = CorsPolicy::new()
            .allow_origin_for_client("spa", "https://spa.example")
            .allow_origin_for_all_clients("https://admin.example");
        let spa = ClientId::new("spa").unwrap();
        let other = ClientId::new("other").unwrap();
        assert!(policy.allowed_for(&spa, &origin("https://spa.example")));
        assert!(!policy.allowed_for(&other, &origin("https://spa.example")));
        assert!(policy.allowed_for(&other, &origin("https://admin.example")));
        assert!(policy.allowed_for_any(&origin("https://spa.example")));
        assert!(!policy.allowed_for_any(&origin("https://evil.example")));
    }

    #[test]
    #[should_panic(expected = "is not an origin")]
    fn a_url_with_a_path_is_refused() {
        let _ = CorsPolicy::new().allow_origin_for_all_clients("https://spa.example/app");
    }
}
