//! The services that publish a [`StatusIssuer`]'s lists over HTTP: each
//! Status List Token at its URI (§8), and the Status List Aggregation (§9).

use super::{StatusIssuer, MEDIA_TYPE};
use crate::store::{StatusListStore, StoreError};
use bytes::Bytes;
use http::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, RETRY_AFTER,
};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::Full;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower_service::Service;

/// Serves the Status List Tokens of a [`StatusIssuer`] (§8), made by
/// [`StatusIssuer::list_service`]. Mount it at the lists' path with the
/// list number as its last segment (`/statuslists/{list}` in axum):
/// - `GET` of list `n` (the last path segment, decimal): 200 with the
///   token, `Content-Type: application/statuslist+jwt` (§8.2),
///   `Cache-Control: max-age=` the `ttl`, a strong `ETag`, and
///   `Access-Control-Allow-Origin: *` (§8.1: CORS, for browser-based
///   relying parties; the list is public); with a matching
///   `If-None-Match`, 304 and no body (RFC 9110 §13.1.2);
/// - `HEAD`: the same without the body;
/// - a list never opened, or a last segment that is not a list number:
///   404; another method: 405 with `Allow: GET, HEAD`;
/// - a request for a past list (a `time` query parameter, §8.4): 501, as
///   the draft asks of a server without historical resolution, which it
///   leaves out for privacy (§12.7);
/// - the store failing: 503 with `Retry-After: 1` (a resource server keeps
///   its last good token until its `exp`).
///
/// Compression (§8.2 "SHOULD use Content-Encoding") is left to a layer
/// such as tower-http's `CompressionLayer`.
pub struct StatusListService<St> {
    issuer: StatusIssuer<St>,
}

/// Serves the Status List Aggregation of a [`StatusIssuer`] (§9), made by
/// [`StatusIssuer::aggregation_service`]: `GET` (and `HEAD`) get 200
/// `application/json` `{"status_lists": [uri, ...]}` with
/// `Cache-Control: max-age=` the `ttl`; another method 405; the store
/// failing 503 with `Retry-After: 1`. Name its URL in the authorization
/// server's metadata as `status_list_aggregation_endpoint` (§9.1,
/// [`AuthorizationServerMetadata::status_list_aggregation_endpoint`](crate::metadata::AuthorizationServerMetadata::status_list_aggregation_endpoint)).
pub struct StatusListAggregationService<St> {
    issuer: StatusIssuer<St>,
}

/// The response future of both services.
pub struct ResponseFuture {
    inner: Pin<Box<dyn Future<Output = Response<Full<Bytes>>> + Send>>,
}

impl Future for ResponseFuture {
    type Output = Result<Response<Full<Bytes>>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx).map(Ok)
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<St: StatusListStore> StatusIssuer<St> {
    /// The service publishing each list's token at its URI.
    pub fn list_service(&self) -> StatusListService<St> {
        StatusListService {
            issuer: self.clone(),
        }
    }

    /// The service publishing the Status List Aggregation.
    pub fn aggregation_service(&self) -> StatusListAggregationService<St> {
        StatusListAggregationService {
            issuer: self.clone(),
        }
    }
}

impl<St> Clone for StatusListService<St> {
    fn clone(&self) -> Self {
        Self {
            issuer: self.issuer.clone(),
        }
    }
}

impl<St> Clone for StatusListAggregationService<St> {
    fn clone(&self) -> Self {
        Self {
            issuer: self.issuer.clone(),
        }
    }
}

impl<St> fmt::Debug for StatusListService<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StatusListService")
            .field(&self.issuer)
            .finish()
    }
}

impl<St> fmt::Debug for StatusListAggregationService<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StatusListAggregationService")
            .field(&self.issuer)
            .finish()
    }
}

/// The list number of a path's last segment: decimal digits, no leading
/// zero, from 1.
fn list_number(path: &str) -> Option<u64> {
    let last = path.rsplit('/').next()?;
    let digits = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit());
    (digits && !last.starts_with('0')).then(|| last.parse().ok())?
}

/// Whether `query` has a `time` parameter (§8.4).
fn asks_for_time(query: Option<&str>) -> bool {
    let pairs = query.unwrap_or_default().split('&');
    pairs
        .map(|pair| pair.split('=').next())
        .any(|name| name == Some("time"))
}

/// Whether `If-None-Match` names `etag` (or is `*`), by the weak
/// comparison RFC 9110 §13.1.2 asks for.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == "*" || bare(tag) == bare(etag))
}

fn bare(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

fn method_not_allowed() -> Response<Full<Bytes>> {
    let mut response = bare(StatusCode::METHOD_NOT_ALLOWED);
    let allow = HeaderValue::from_static("GET, HEAD");
    response.headers_mut().insert(ALLOW, allow);
    response
}

fn unavailable(error: &StoreError) -> Response<Full<Bytes>> {
    tracing::warn!(%error, "a status list could not be read");
    let mut response = bare(StatusCode::SERVICE_UNAVAILABLE);
    let retry = HeaderValue::from_static("1");
    response.headers_mut().insert(RETRY_AFTER, retry);
    response
}

/// A 200 (or 304) with `content` of `media_type`, cacheable for `ttl`
/// seconds; no body for `HEAD` and 304.
fn document(
    method: &Method,
    content: Bytes,
    media_type: &'static str,
    ttl: u64,
    etag: Option<&str>,
    not_modified: bool,
) -> Response<Full<Bytes>> {
    let status = match not_modified {
        true => StatusCode::NOT_MODIFIED,
        false => StatusCode::OK,
    };
    let mut response = bare(status);
    let headers = response.headers_mut();
    let max_age = HeaderValue::try_from(format!("max-age={ttl}"));
    headers.insert(CACHE_CONTROL, max_age.expect("digits make a header value"));
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Some(etag) = etag.and_then(|etag| HeaderValue::try_from(etag).ok()) {
        headers.insert(ETAG, etag);
    }
    if !not_modified {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(content.len()));
        if method == Method::GET {
            *response.body_mut() = Full::new(content);
        }
    }
    response
}

impl<St: StatusListStore, B> Service<Request<B>> for StatusListService<St> {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> ResponseFuture {
        let issuer = self.issuer.clone();
        let method = request.method().clone();
        let list = list_number(request.uri().path());
        let historical = asks_for_time(request.uri().query());
        let headers = request.headers().clone();
        let inner = async move {
            if method != Method::GET && method != Method::HEAD {
                return method_not_allowed();
            }
            if historical {
                return bare(StatusCode::NOT_IMPLEMENTED);
            }
            let Some(list) = list else {
                return bare(StatusCode::NOT_FOUND);
            };
            match issuer.signed_list(list).await {
                Ok(Some(signed)) => {
                    let fresh = not_modified(&headers, signed.etag());
                    let jwt = signed.jwt().clone();
                    let ttl = issuer.ttl_secs();
                    document(&method, jwt, MEDIA_TYPE, ttl, Some(signed.etag()), fresh)
                }
                Ok(None) => bare(StatusCode::NOT_FOUND),
                Err(error) => unavailable(&error),
            }
        };
        ResponseFuture {
            inner: Box::pin(inner),
        }
    }
}

impl<St: StatusListStore, B> Service<Request<B>> for StatusListAggregationService<St> {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> ResponseFuture {
        let issuer = self.issuer.clone();
        let method = request.method().clone();
        let inner = async move {
            if method != Method::GET && method != Method::HEAD {
                return method_not_allowed();
            }
            match issuer.aggregation().await {
                Ok(aggregation) => {
                    let json = Bytes::from(aggregation.to_string());
                    let ttl = issuer.ttl_secs();
                    document(&method, json, "application/json", ttl, None, false)
                }
                Err(error) => unavailable(&error),
            }
        };
        ResponseFuture {
            inner: Box::pin(inner),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_numbers_are_plain_decimals_from_one() {
        assert_eq!(list_number("/statuslists/1"), Some(1));
        assert_eq!(list_number("/a/b/42"), Some(42));
        for path in [
            "/statuslists/0",
            "/statuslists/01",
            "/statuslists/",
            "/statuslists/1a",
            "/x/+1",
        ] {
            assert_eq!(list_number(path), None, "{path}");
        }
        assert_eq!(list_number("/s/99999999999999999999999"), None);
    }

    #[test]
    fn a_time_parameter_asks_for_a_past_list() {
        assert!(asks_for_time(Some("time=1686925000")));
        assert!(asks_for_time(Some("a=1&time=")));
        assert!(!asks_for_time(Some("times=1&a=time")));
        assert!(!asks_for_time(None));
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_star() {
        let mut headers = HeaderMap::new();
        assert!(!not_modified(&headers, "\"a\""));
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static("\"b\", W/\"a\""));
        assert!(not_modified(&headers, "\"a\""));
        assert!(!not_modified(&headers, "\"c\""));
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(not_modified(&headers, "\"c\""));
    }
}
