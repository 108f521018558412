//! FastAPI's 422: pydantic v2 validation errors and the response listing them.

use super::response::{json_response, to_json};
use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// One element of a [`ValidationError`]'s `loc`: a name (`"query"`,
/// `"org_id"`) or a position in a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum LocItem {
    /// A key, rendered as a JSON string.
    Key(String),
    /// A list index, rendered as a JSON integer.
    Index(usize),
}

impl From<&str> for LocItem {
    fn from(key: &str) -> Self {
        Self::Key(key.to_owned())
    }
}

impl From<String> for LocItem {
    fn from(key: String) -> Self {
        Self::Key(key)
    }
}

impl From<usize> for LocItem {
    fn from(index: usize) -> Self {
        Self::Index(index)
    }
}

/// One item of a FastAPI 422 `detail` list: pydantic v2's error, as FastAPI
/// renders it (`errors(include_url=False)`).
///
/// Serializes as `{"type":"<type>","loc":[...],"msg":"<msg>","input":<input>}`,
/// members in that order. pydantic's optional `ctx` member is not
/// supported: the error types built here (`missing`, `int_parsing`) have
/// none.
///
/// # Example
/// ```
/// use tower_revoke_examples::codegen::fastapi::ValidationError;
///
/// let error = ValidationError::int_parsing(["query", "org_id"], "abc");
/// assert_eq!(
///     serde_json::to_string(&error).unwrap(),
///     r#"{"type":"int_parsing","loc":["query","org_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    #[serde(rename = "type")]
    error_type: Cow<'static, str>,
    loc: Vec<LocItem>,
    msg: Cow<'static, str>,
    input: Value,
}

impl ValidationError {
    /// An error of pydantic type `error_type` at `loc`, with message `msg`
    /// and the offending `input`.
    pub fn new<L: Into<LocItem>>(
        error_type: impl Into<Cow<'static, str>>,
        loc: impl IntoIterator<Item = L>,
        msg: impl Into<Cow<'static, str>>,
        input: Value,
    ) -> Self {
        Self {
            error_type: error_type.into(),
            loc: loc.into_iter().map(Into::into).collect(),
            msg: msg.into(),
            input,
        }
    }

    /// A required value that is absent: type `missing`, message
    /// `Field required`, input `null` (what FastAPI reports for a missing
    /// query, header or body field).
    pub fn missing<L: Into<LocItem>>(loc: impl IntoIterator<Item = L>) -> Self {
        Self::new("missing", loc, "Field required", Value::Null)
    }

    /// A string that is not an integer: type `int_parsing`, message
    /// `Input should be a valid integer, unable to parse string as an
    /// integer`, and `input` as received.
    pub fn int_parsing<L: Into<LocItem>>(loc: impl IntoIterator<Item = L>, input: &str) -> Self {
        Self::new(
            "int_parsing",
            loc,
            "Input should be a valid integer, unable to parse string as an integer",
            Value::String(input.to_owned()),
        )
    }

    /// The pydantic error type, the `type` member (`"missing"`).
    pub fn error_type(&self) -> &str {
        &self.error_type
    }

    /// Where the error is, the `loc` member (`["query", "provider"]`).
    pub fn loc(&self) -> &[LocItem] {
        &self.loc
    }

    /// The human-readable message, the `msg` member.
    pub fn msg(&self) -> &str {
        &self.msg
    }

    /// The value that failed validation, the `input` member (`null` when it
    /// was missing).
    ///
    /// # Security
    /// This is what the client sent, echoed in the response body.
    pub fn input(&self) -> &Value {
        &self.input
    }
}

/// FastAPI's response to a request that fails parameter validation: 422
/// with `Content-Type: application/json` and the body
/// `{"detail":[<ValidationError>,...]}`, errors in the order the
/// parameters are declared.
///
/// # Example
/// ```
/// use tower_revoke_examples::codegen::fastapi::{RequestValidationError, ValidationError};
///
/// let rejection = RequestValidationError::from(ValidationError::missing(["query", "provider"]));
/// assert_eq!(rejection.status(), 422);
/// assert_eq!(
///     rejection.body(),
///     r#"{"detail":[{"type":"missing","loc":["query","provider"],"msg":"Field required","input":null}]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestValidationError {
    errors: Vec<ValidationError>,
}

impl RequestValidationError {
    /// A rejection listing `errors`, in this order. FastAPI never sends an
    /// empty list; neither should you.
    pub fn new(errors: Vec<ValidationError>) -> Self {
        Self { errors }
    }

    /// The errors, in order.
    pub fn errors(&self) -> &[ValidationError] {
        &self.errors
    }

    /// The HTTP status: 422 Unprocessable Entity.
    pub const fn status(&self) -> StatusCode {
        StatusCode::UNPROCESSABLE_ENTITY
    }

    /// The JSON body bytes.
    pub fn body(&self) -> Bytes {
        #[derive(Serialize)]
        struct Body<'a> {
            detail: &'a [ValidationError],
        }
        to_json(&Body {
            detail: &self.errors,
        })
    }

    /// Renders the response with a [`Full`] body.
    pub fn into_http(self) -> Response<Full<Bytes>> {
        json_response(self.status(), self.body())
    }
}

impl From<ValidationError> for RequestValidationError {
    fn from(error: ValidationError) -> Self {
        Self::new(vec![error])
    }
}

impl FromIterator<ValidationError> for RequestValidationError {
    fn from_iter<I: IntoIterator<Item = ValidationError>>(errors: I) -> Self {
        Self::new(errors.into_iter().collect())
    }
}

impl fmt::Display for RequestValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request validation failed ({} errors)",
            self.errors.len()
        )
    }
}

impl std::error::Error for RequestValidationError {}

impl axum::response::IntoResponse for RequestValidationError {
    fn into_response(self) -> axum::response::Response {
        self.into_http().map(axum::body::Body::new)
    }
}

/// Reports every failed parameter at once: turns a tuple of per-parameter
/// results into the tuple of values, or one [`RequestValidationError`]
/// listing every error in tuple order (FastAPI validates all parameters
/// before it answers). Implemented for tuples of 1 to 8
/// `Result<_, ValidationError>`.
///
/// # Example
/// ```
/// use tower_revoke_examples::codegen::fastapi::{CollectErrors, QueryParams};
///
/// let query = QueryParams::parse("org_id=abc");
/// let rejection = (query.required_str("provider"), query.required_int("org_id"))
///     .collect_errors()
///     .unwrap_err();
/// let types: Vec<_> = rejection.errors().iter().map(|e| e.error_type()).collect();
/// assert_eq!(types, ["missing", "int_parsing"]);
///
/// let query = QueryParams::parse("provider=github&org_id=7");
/// let (provider, org_id) = (query.required_str("provider"), query.required_int("org_id"))
///     .collect_errors()
///     .unwrap();
/// assert_eq!((provider.as_str(), org_id), ("github", 7));
/// ```
pub trait CollectErrors {
    /// The tuple of valid values.
    type Output;

    /// The values, or every error in order.
    ///
    /// # Errors
    /// A [`RequestValidationError`] with one item per `Err`, in order.
    fn collect_errors(self) -> Result<Self::Output, RequestValidationError>;
}

macro_rules! collect_errors_for_tuple {
    ($($T:ident $value:ident),+) => {
        impl<$($T),+> CollectErrors for ($(Result<$T, ValidationError>,)+) {
            type Output = ($($T,)+);

            fn collect_errors(self) -> Result<Self::Output, RequestValidationError> {
                match self {
                    ($(Ok($value),)+) => Ok(($($value,)+)),
                    ($($value,)+) => Err([$($value.err()),+].into_iter().flatten().collect()),
                }
            }
        }
    };
}

collect_errors_for_tuple!(A a);
collect_errors_for_tuple!(A a, B b);
collect_errors_for_tuple!(A a, B b, C c);
collect_errors_for_tuple!(A a, B b, C c, D d);
collect_errors_for_tuple!(A a, B b, C c, D d, E e);
collect_errors_for_tuple!(A a, B b, C c, D d, E e, F f);
collect_errors_for_tuple!(A a, B b, C c, D d, E e, F f, G g);
collect_errors_for_tuple!(A a, B b, C c, D d, E e, F f, G g, H h);

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::CONTENT_TYPE;

    #[test]
    fn validation_error_renders_422_json() {
        let response =
            RequestValidationError::from(ValidationError::missing(["query", "q"])).into_http();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(response.headers().len(), 1);
    }

    #[test]
    fn loc_items_may_be_indexes() {
        let error =
            ValidationError::missing([LocItem::from("body"), LocItem::from(0), "name".into()]);
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"type":"missing","loc":["body",0,"name"],"msg":"Field required","input":null}"#
        );
    }
}
