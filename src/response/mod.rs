//! What the endpoints answer: RFC 6749 §5.2 JSON errors, the realm and its
//! `WWW-Authenticate` challenges, the revocation and introspection
//! endpoints' answers, and the response bodies of the middleware.

mod body;
mod error;
pub(crate) mod introspection;
mod realm;
mod revocation;

pub use body::{EndpointBody, ResponseBody};
pub use error::{ErrorCode, ErrorResponse};
pub use realm::{BearerChallenge, Realm};
pub use revocation::{
    OtherClientToken, RevocationResponder, RevokedResponse, UnknownTokenResponse,
};

pub(crate) use error::{no_store, retry_after_value, store_unavailable};
pub(crate) use revocation::authenticate;

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
