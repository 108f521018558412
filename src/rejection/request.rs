//! Rejections of the revocation request itself (RFC 7009 §2.1, RFC 6749 §3.2).

use crate::response::ErrorResponse;
use http::header::{HeaderValue, ALLOW};

define_rejection! {
    #[status = METHOD_NOT_ALLOWED]
    #[code = InvalidRequest]
    #[description = "the revocation endpoint accepts only POST"]
    /// The revocation endpoint was called with a method other than POST
    /// (RFC 7009 §2.1). Renders with `Allow: POST`.
    pub struct MethodNotAllowed;
}

define_rejection! {
    #[status = METHOD_NOT_ALLOWED]
    #[code = InvalidRequest]
    #[description = "the introspection endpoint accepts only POST"]
    /// The introspection endpoint was called with a method other than POST
    /// (RFC 7662 §2.1). Renders with `Allow: POST`.
    pub struct IntrospectionMethodNotAllowed;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "unsupported or missing content type"]
    /// The `Content-Type` is missing or is not the expected media type
    /// (`application/x-www-form-urlencoded`, RFC 7009 §2.1; or
    /// `application/json` for a JSON-bodied endpoint).
    pub struct InvalidContentType;
}

define_rejection! {
    #[status = PAYLOAD_TOO_LARGE]
    #[code = InvalidRequest]
    #[description = "request body is too large"]
    /// The body is longer than the configured limit; it was not read past
    /// the limit.
    pub struct PayloadTooLarge;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "failed to read the request body"]
    /// The body stream failed before it ended.
    pub struct FailedToReadBody;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "request body is not valid form encoding"]
    /// An invalid percent escape (`%ZZ`), or bytes that are not UTF-8 before
    /// or after decoding. Never decoded lossily.
    pub struct InvalidFormEncoding;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "request body is not a JSON object with string parameters"]
    /// A JSON body that is malformed, not an object, repeats a known member,
    /// or gives a known member a non-string value.
    pub struct InvalidJsonBody;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "a request parameter was repeated"]
    /// A known parameter (`token`, `token_type_hint`, `client_id`,
    /// `client_secret`) appears more than once (RFC 6749 §3.2).
    pub struct DuplicateParameter;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "the token parameter is missing"]
    /// The token parameter is absent or empty (RFC 7009 §2.1).
    pub struct MissingToken;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "tokens and client secrets are not accepted in the query string"]
    /// The token or `client_secret` was sent in the URI query, where it
    /// would be logged (RFC 6749 §2.3.1, RFC 6750 §5.3).
    pub struct ParameterInQuery;
}

composite_rejection! {
    /// Why a revocation or introspection request was refused before client
    /// authentication.
    ///
    /// Each variant renders as an RFC 6749 §5.2 JSON error with
    /// `Cache-Control: no-store` and `Pragma: no-cache`.
    pub enum RequestRejection {
        /// See [`MethodNotAllowed`].
        MethodNotAllowed,
        /// See [`IntrospectionMethodNotAllowed`].
        IntrospectionMethodNotAllowed,
        /// See [`InvalidContentType`].
        InvalidContentType,
        /// See [`PayloadTooLarge`].
        PayloadTooLarge,
        /// See [`FailedToReadBody`].
        FailedToReadBody,
        /// See [`InvalidFormEncoding`].
        InvalidFormEncoding,
        /// See [`InvalidJsonBody`].
        InvalidJsonBody,
        /// See [`DuplicateParameter`].
        DuplicateParameter,
        /// See [`MissingToken`].
        MissingToken,
        /// See [`ParameterInQuery`].
        ParameterInQuery,
    }
}

impl RequestRejection {
    /// The error response for this rejection.
    pub fn error_response(&self) -> ErrorResponse {
        let response =
            ErrorResponse::new(self.status(), self.error_code()).description(self.description());
        match self {
            Self::MethodNotAllowed(_) | Self::IntrospectionMethodNotAllowed(_) => {
                response.header(ALLOW, HeaderValue::from_static("POST"))
            }
            _ => response,
        }
    }

    /// Renders the response, logging the rejection once (at DEBUG, target
    /// `tower_revoke::rejection`, with fixed texts only).
    pub fn into_http(self) -> http::Response<http_body_util::Full<bytes::Bytes>> {
        super::render("RequestRejection", self.error_response())
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for RequestRejection {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http().map(axum_core::body::Body::new)
    }
}
