//! The query string as Starlette parses it, validated as pydantic does.

use super::validation::ValidationError;
use percent_encoding::percent_decode;
use std::borrow::Cow;
use std::fmt;

/// The query string as Starlette reads it (`parse_qsl` with
/// `keep_blank_values=True`), with pydantic's validation of required
/// query parameters.
///
/// Parsing: pairs are separated by `&` only; empty pairs are skipped; a
/// pair without `=` has the empty value; names and values are
/// form-decoded (`+` is a space, `%XX` a byte), an invalid escape is kept
/// as it is, and bytes that are not UTF-8 become U+FFFD, as Python's
/// `unquote(errors="replace")` does. A repeated name keeps its last value,
/// as Starlette's `request.query_params[name]` does. Names are
/// case-sensitive.
///
/// `Debug` shows the parameter names only, never their values.
///
/// With the `axum` feature, `QueryParams` is an extractor that never fails.
///
/// # Example
/// ```
/// use tower_revoke_examples::codegen::fastapi::QueryParams;
///
/// let query = QueryParams::parse("provider=git%2Bhub&provider=github&org_id=+7&empty=");
/// assert_eq!(query.get("provider"), Some("github"));
/// assert_eq!(query.required_int("org_id"), Ok(7)); // `+` is a space, trimmed
/// assert_eq!(query.required_str("empty").as_deref(), Ok(""));
/// assert!(query.required_str("missing").is_err());
/// ```
#[derive(Clone, Default)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Parses a query string (without the leading `?`).
    pub fn parse(query: &str) -> Self {
        let pairs = query.split('&').filter(|pair| !pair.is_empty());
        let pairs = pairs.map(|pair| pair.split_once('=').unwrap_or((pair, "")));
        let pairs = pairs
            .map(|(name, value)| {
                (
                    unquote_plus(name.as_bytes()),
                    unquote_plus(value.as_bytes()),
                )
            })
            .collect();
        Self { pairs }
    }

    /// Parses the query of `uri`; none is an empty query.
    pub fn from_uri(uri: &http::Uri) -> Self {
        Self::parse(uri.query().unwrap_or_default())
    }

    /// The last value of `name`, if the query has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// A required `str` query parameter (pydantic `str`): the value as
    /// sent. A present but empty value (`provider=`) is the valid empty
    /// string.
    ///
    /// # Errors
    /// [`ValidationError::missing`] at `["query", name]` when absent.
    pub fn required_str(&self, name: &str) -> Result<String, ValidationError> {
        self.get(name)
            .map(str::to_owned)
            .ok_or_else(|| ValidationError::missing(["query", name]))
    }

    /// A required `int` query parameter (pydantic `int`, lax mode): the
    /// value with surrounding whitespace trimmed, parsed as an `i64`
    /// (optional `+` or `-`, ASCII digits, leading zeros allowed).
    ///
    /// Stricter than pydantic in three cases, which are `int_parsing` here:
    /// underscores between digits (`1_000`), a zero fraction (`7.0`), and
    /// integers outside the `i64` range (pydantic accepts big integers up
    /// to 4300 digits).
    ///
    /// # Errors
    /// [`ValidationError::missing`] at `["query", name]` when absent;
    /// [`ValidationError::int_parsing`] with the value as sent (not
    /// trimmed) when it is not an integer, including the empty value.
    pub fn required_int(&self, name: &str) -> Result<i64, ValidationError> {
        let value = self
            .get(name)
            .ok_or_else(|| ValidationError::missing(["query", name]))?;
        value
            .trim()
            .parse()
            .map_err(|_| ValidationError::int_parsing(["query", name], value))
    }
}

impl fmt::Debug for QueryParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryParams")
            .field(
                "names",
                &self.pairs.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for QueryParams {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_uri(&parts.uri))
    }
}

/// Python's `unquote_plus(errors="replace")`: `+` is a space, valid `%XX`
/// escapes are bytes, anything else is kept, invalid UTF-8 is U+FFFD.
fn unquote_plus(raw: &[u8]) -> String {
    let spaced: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode(&spaced).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::fastapi::{CollectErrors, RequestValidationError};
    use serde_json::Value;

    fn validate(query: &str) -> Result<(String, i64), RequestValidationError> {
        let query = QueryParams::parse(query);
        (query.required_str("provider"), query.required_int("org_id")).collect_errors()
    }

    fn body(query: &str) -> String {
        String::from_utf8(validate(query).unwrap_err().body().to_vec()).unwrap()
    }

    const MISSING_PROVIDER: &str =
        r#"{"type":"missing","loc":["query","provider"],"msg":"Field required","input":null}"#;
    const MISSING_ORG_ID: &str =
        r#"{"type":"missing","loc":["query","org_id"],"msg":"Field required","input":null}"#;

    fn int_parsing(input: &str) -> String {
        format!(
            r#"{{"type":"int_parsing","loc":["query","org_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":{input}}}"#
        )
    }

    #[test]
    fn missing_provider_is_fastapi_missing() {
        assert_eq!(
            body("org_id=1"),
            format!(r#"{{"detail":[{MISSING_PROVIDER}]}}"#)
        );
    }

    #[test]
    fn non_integer_org_id_is_int_parsing_with_input() {
        let expected = format!(r#"{{"detail":[{}]}}"#, int_parsing(r#""abc""#));
        assert_eq!(body("provider=github&org_id=abc"), expected);
    }

    #[test]
    fn both_errors_are_listed_in_parameter_order() {
        let expected = format!(
            r#"{{"detail":[{MISSING_PROVIDER},{}]}}"#,
            int_parsing(r#""abc""#)
        );
        assert_eq!(body("org_id=abc"), expected);
        let expected = format!(r#"{{"detail":[{MISSING_PROVIDER},{MISSING_ORG_ID}]}}"#);
        assert_eq!(body(""), expected);
    }

    #[test]
    fn empty_str_is_valid_and_empty_int_is_int_parsing() {
        assert_eq!(validate("provider=&org_id=3"), Ok((String::new(), 3)));
        assert_eq!(validate("provider&org_id=3"), Ok((String::new(), 3)));
        let expected = format!(r#"{{"detail":[{}]}}"#, int_parsing(r#""""#));
        assert_eq!(body("provider=x&org_id="), expected);
    }

    #[test]
    fn integers_are_trimmed_and_signed_like_pydantic() {
        for (query, expected) in [
            ("org_id=42", 42),
            ("org_id=042", 42),
            ("org_id=%2B5", 5),
            ("org_id=+5", 5),
            ("org_id=%205%20", 5),
            ("org_id=-3", -3),
        ] {
            let query = QueryParams::parse(query);
            assert_eq!(query.required_int("org_id"), Ok(expected));
        }
        for input in ["1_000", "7.0", "0x10", "1e3", "99999999999999999999", "- 1"] {
            let query = QueryParams::parse(&format!("org_id={input}"));
            let error = query.required_int("org_id").unwrap_err();
            assert_eq!(error.error_type(), "int_parsing", "{input}");
            assert_eq!(error.input(), &Value::String(input.replace('+', " ")));
        }
    }

    #[test]
    fn int_parsing_input_is_the_untrimmed_value() {
        let query = QueryParams::parse("org_id=+abc");
        let error = query.required_int("org_id").unwrap_err();
        assert_eq!(error.input(), " abc");
    }

    #[test]
    fn query_is_decoded_like_starlette() {
        let query = QueryParams::parse("p%72ovider=a+b%2Bc&x=%ZZ&y=%FF&z=%C3%A9;w=1&&v");
        assert_eq!(query.get("provider"), Some("a b+c"));
        assert_eq!(query.get("x"), Some("%ZZ"));
        assert_eq!(query.get("y"), Some("\u{fffd}"));
        assert_eq!(query.get("z"), Some("é;w=1"));
        assert_eq!(query.get("v"), Some(""));
        assert_eq!(query.get("Provider"), None);
    }

    #[test]
    fn repeated_parameter_keeps_its_last_value() {
        assert_eq!(
            validate("provider=a&provider=b&org_id=1&org_id=2"),
            Ok(("b".into(), 2))
        );
    }

    #[test]
    fn input_is_escaped_as_python_json_dumps() {
        // json.dumps(ensure_ascii=False): non-ASCII raw, controls as \uXXXX.
        let expected = format!(r#"{{"detail":[{}]}}"#, int_parsing(r#""é\u0001\"\\\n""#));
        assert_eq!(body("provider=x&org_id=%C3%A9%01%22%5C%0A"), expected);
    }

    #[test]
    fn debug_shows_names_not_values() {
        let debug = format!("{:?}", QueryParams::parse("provider=s3cr3t"));
        assert!(debug.contains("provider"));
        assert!(!debug.contains("s3cr3t"));
    }
}
