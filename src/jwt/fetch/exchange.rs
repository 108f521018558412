//! The HTTP side of a fetch: the client (hyper-util over rustls with the
//! `ring` provider and Mozilla's roots, [`client`]), the one GET of a URI
//! with its `Accept`, timeout and body cap ([`get`], shared with the status
//! list fetcher), and that GET of a `jwks_uri` read into the signing keys
//! of its JWK Set and its `Cache-Control: max-age` ([`fetch`]).

use super::JwksFetchError;
use crate::jwt::key::JwtKey;
use crate::store::ClientKeys;
use bytes::Bytes;
use http::header::{ACCEPT, CACHE_CONTROL, USER_AGENT};
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri};
use http_body::Body as _;
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The fetcher's HTTP client: hyper-util's, over rustls.
pub(crate) type HttpsClient = Client<HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// A client that connects within `timeout`, HTTP/1.1 only, keeps no
/// connection idle, and speaks `https` only, or `http` too when
/// `allow_loopback_http` is on (which hosts, the URI rules decide).
pub(crate) fn client(timeout: Duration, allow_loopback_http: bool) -> HttpsClient {
    let mut http = HttpConnector::new();
    // The HTTPS connector checks the scheme; this one only connects.
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(timeout));
    let schemes = HttpsConnectorBuilder::new().with_tls_config(tls_config());
    let schemes = if allow_loopback_http {
        schemes.https_or_http()
    } else {
        schemes.https_only()
    };
    let connector = schemes.enable_http1().wrap_connector(http);
    Client::builder(TokioExecutor::new())
        // Fetches are minutes apart: no connection is kept idle.
        .pool_max_idle_per_host(0)
        .build(connector)
}

/// rustls with the `ring` provider and Mozilla's roots.
fn tls_config() -> rustls::ClientConfig {
    // rustls 0.23.48 deprecates ring's provider for its lack of a
    // post-quantum key exchange, which protects what is sent from being
    // decrypted years later. A JWK Set is public: what matters is that it
    // comes from the host named, which rests on the certificate's
    // signature, classical with either provider. See `JwksFetcher`'s docs.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// The signing keys of the JWK Set at `uri`, fetched by one GET answered
/// within `timeout` with at most `max_bytes`, and the answer's
/// `Cache-Control: max-age`.
pub(super) async fn fetch(
    client: &HttpsClient,
    uri: &Uri,
    timeout: Duration,
    max_bytes: usize,
) -> Result<(Arc<[JwtKey]>, Option<Duration>), JwksFetchError> {
    let accept = "application/jwk-set+json, application/json";
    let (body, headers) = get(client, uri, accept, timeout, max_bytes).await?;
    Ok((parse(&body)?, max_age(&headers)))
}

/// The body of a 200 answer to one GET of `uri` with this `Accept`, at
/// most `max_bytes`, and the answer's headers, all within `timeout`.
pub(crate) async fn get(
    client: &HttpsClient,
    uri: &Uri,
    accept: &'static str,
    timeout: Duration,
    max_bytes: usize,
) -> Result<(Bytes, HeaderMap), JwksFetchError> {
    tokio::time::timeout(timeout, get_untimed(client, uri, accept, max_bytes))
        .await
        .unwrap_or(Err(JwksFetchError::Timeout))
}

/// [`get`] without its timeout.
async fn get_untimed(
    client: &HttpsClient,
    uri: &Uri,
    accept: &'static str,
    max_bytes: usize,
) -> Result<(Bytes, HeaderMap), JwksFetchError> {
    let request = Request::get(uri.clone())
        .header(ACCEPT, accept)
        .header(
            USER_AGENT,
            concat!("tower-revoke/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::new())
        .map_err(|_| JwksFetchError::InvalidUri)?;
    let response = client.request(request).await.map_err(|error| {
        tracing::trace!(
            // The fetcher's one log target, as before this module was split off.
            target: "tower_revoke::jwt::fetch",
            error = %ErrorChain(&error),
            %accept,
            "request failed"
        );
        JwksFetchError::Transport
    })?;
    let status = response.status();
    if status != StatusCode::OK {
        return Err(JwksFetchError::Status(status.as_u16()));
    }
    let (parts, body) = response.into_parts();
    if body.size_hint().lower() > max_bytes as u64 {
        return Err(JwksFetchError::TooLarge);
    }
    match Limited::new(body, max_bytes).collect().await {
        Ok(body) => Ok((body.to_bytes(), parts.headers)),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(JwksFetchError::TooLarge)
        }
        Err(_) => Err(JwksFetchError::Transport),
    }
}

/// The signing keys of a JWK Set document held to the rules of a `jwks`
/// registered by value.
fn parse(body: &[u8]) -> Result<Arc<[JwtKey]>, JwksFetchError> {
    let text = std::str::from_utf8(body).map_err(|_| JwksFetchError::NotJwks)?;
    ClientKeys::jwks(text).map_err(|_| JwksFetchError::NotJwks)?;
    let keys = JwtKey::jwks(text).map_err(|_| JwksFetchError::NotJwks)?;
    Ok(keys.into())
}

/// `max-age` of `Cache-Control` (RFC 9111 §5.2.2.1), 0 for `no-cache` and
/// `no-store`; `None` without either.
fn max_age(headers: &HeaderMap) -> Option<Duration> {
    let directives = headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|value: &HeaderValue| value.to_str().ok())
        .flat_map(|value| value.split(','));
    let mut max_age = None;
    for directive in directives {
        let directive = directive.trim().to_ascii_lowercase();
        if directive == "no-cache" || directive == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(seconds) = directive.strip_prefix("max-age=") {
            let seconds = seconds.trim_matches('"').parse().ok()?;
            max_age = Some(Duration::from_secs(seconds));
        }
    }
    max_age
}

/// An error and its sources, `: `-separated.
struct ErrorChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        let headers = |values: &[&'static str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(CACHE_CONTROL, HeaderValue::from_static(value));
            }
            headers
        };
        assert_eq!(max_age(&headers(&[])), None);
        assert_eq!(
            max_age(&headers(&["public, Max-Age=60"])),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            max_age(&headers(&["public", "max-age=\"7\""])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            max_age(&headers(&["max-age=600, no-store"])),
            Some(Duration::ZERO)
        );
        assert_eq!(max_age(&headers(&["max-age=soon"])), None);
    }

    #[test]
    fn only_a_jwk_set_of_public_keys_is_taken() {
        assert!(parse(b"not json").is_err());
        assert!(parse(b"{\"keys\": []}").is_err());
        assert!(parse(br#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#).is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }
}
