//! What both endpoints refuse from a request's head alone, before any of
//! the body is read.

use crate::rejection::{PayloadTooLarge, RequestRejection};
use crate::request::RequestReader;
use http::request::Parts;
use http::Method;
use http_body::Body;

/// The refusal of a request at an endpoint's path that can be told from
/// its head: a method other than `POST` (refused with `not_post`, which
/// names the endpoint), a body announced larger than the reader's limit,
/// then the reader's own head checks (media type, query).
pub(crate) fn refuse_head<B: Body>(
    reader: &RequestReader,
    parts: &Parts,
    body: &B,
    not_post: impl Into<RequestRejection>,
) -> Option<RequestRejection> {
    if parts.method != Method::POST {
        Some(not_post.into())
    } else if body.size_hint().lower() > reader.max_body_size as u64 {
        Some(PayloadTooLarge.into())
    } else {
        reader.check_head(parts).err()
    }
}
