//! What every middleware answers with: RFC 6749 §5.2 JSON errors, the
//! realm and its `WWW-Authenticate` challenges, and the response bodies of
//! the middleware. Each endpoint's own answers are in its module
//! ([`revocation`](crate::revocation), [`introspection`](crate::introspection)).

mod body;
mod error;
mod realm;

pub use body::{EndpointBody, ResponseBody};
pub use error::{ErrorCode, ErrorResponse};
pub use realm::{BearerChallenge, Realm};

pub(crate) use error::{json_response, no_store, retry_after_value, store_unavailable};

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_LENGTH};
use http::{Method, Response};
use http_body_util::Full;

/// One of the middleware's own responses, without content when it answers
/// a `HEAD` request (RFC 9110 §9.3.2). The headers stay, `Content-Length`
/// included: the length the content would have had (RFC 9110 §8.6).
pub(crate) fn for_method(
    response: Response<Full<Bytes>>,
    method: &Method,
) -> Response<Full<Bytes>> {
    if method != Method::HEAD {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let length = http_body::Body::size_hint(&body).exact().unwrap_or(0);
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(length));
    Response::from_parts(parts, Full::new(Bytes::new()))
}
