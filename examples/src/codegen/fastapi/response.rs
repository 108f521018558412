//! The JSON response Starlette's `JSONResponse` writes.

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;

/// A response with `Content-Type: application/json` and no other header,
/// as Starlette's `JSONResponse` (plus the `Content-Length` a server adds).
pub(super) fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Compact JSON. Serializing strings, integers and `Value`s into a `Vec`
/// cannot fail.
pub(super) fn to_json(value: &impl Serialize) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}
