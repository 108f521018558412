//! Reading a request body up to a limit, for the endpoints' own requests.

use crate::rejection::{FailedToReadBody, PayloadTooLarge, RequestRejection};
use bytes::Bytes;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Buffers at most `limit` bytes of `body` (`http_body_util::Limited`),
/// which stops polling it as soon as the limit is passed.
///
/// # Errors
/// [`PayloadTooLarge`] past the limit, [`FailedToReadBody`] when the body
/// stream fails.
pub(crate) async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, RequestRejection>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(PayloadTooLarge.into()),
        Err(_) => Err(FailedToReadBody.into()),
    }
}
