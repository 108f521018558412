//! Reading the revocation request's parameters: media type, query string,
//! and the form (RFC 7009 §2.1) or JSON body, strictly.

use super::client_auth::BodyCredentials;
use super::form::{self, FormError};
use super::{BodyEncoding, RevocationRequest, Token, TokenTypeHint};
use crate::rejection::{
    DuplicateParameter, InvalidContentType, InvalidFormEncoding, InvalidJsonBody, MissingToken,
    ParameterInQuery, RequestRejection,
};
use http::header::{HeaderMap, CONTENT_TYPE};
use std::fmt;

/// The body parameters as sent, after decoding and the duplicate check,
/// before client authentication and before `token` is required.
#[derive(Default)]
pub(crate) struct BodyParams {
    pub(crate) token: Option<Token>,
    pub(crate) token_type_hint: Option<TokenTypeHint>,
    pub(crate) client: BodyCredentials,
}

impl BodyParams {
    /// The checked request: `token` is required (RFC 7009 §2.1).
    pub(crate) fn into_request(self) -> Result<RevocationRequest, MissingToken> {
        let token = self.token.ok_or(MissingToken)?;
        Ok(RevocationRequest::new(token, self.token_type_hint))
    }

    fn set(&mut self, known: Known, value: String) {
        if value.is_empty() {
            return;
        }
        match known {
            Known::Token => self.token = Token::new(value),
            Known::Hint => self.token_type_hint = Some(TokenTypeHint::parse(&value)),
            Known::ClientId => self.client.client_id = Some(value),
            Known::ClientSecret => self.client.client_secret = Some(value),
            Known::AssertionType => self.client.assertion_type = Some(value),
            Known::Assertion => self.client.assertion = Some(value),
        }
    }
}

impl fmt::Debug for BodyParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyParams")
            .field("token", &self.token)
            .field("token_type_hint", &self.token_type_hint)
            .field("client", &self.client)
            .finish()
    }
}

/// Which known parameter a name is.
#[derive(Clone, Copy)]
enum Known {
    Token,
    Hint,
    ClientId,
    ClientSecret,
    AssertionType,
    Assertion,
}

impl Known {
    /// How many there are, for the duplicate check.
    const COUNT: usize = 6;

    fn of(name: &str, token_parameter: &str) -> Option<Self> {
        match name {
            "token_type_hint" => Some(Self::Hint),
            "client_id" => Some(Self::ClientId),
            "client_secret" => Some(Self::ClientSecret),
            "client_assertion_type" => Some(Self::AssertionType),
            "client_assertion" => Some(Self::Assertion),
            _ if name == token_parameter => Some(Self::Token),
            _ => None,
        }
    }
}

/// Checks the `Content-Type` media type (type and subtype compared without
/// regard to case, parameters such as `charset` ignored, RFC 9110 §8.3.1).
pub(super) fn check_content_type(
    headers: &HeaderMap,
    encoding: BodyEncoding,
) -> Result<(), InvalidContentType> {
    let expected = match encoding {
        BodyEncoding::Form => "application/x-www-form-urlencoded",
        BodyEncoding::Json => "application/json",
    };
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    let value = values.next().ok_or(InvalidContentType)?;
    let essence = value
        .as_bytes()
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    if values.next().is_none() && essence.eq_ignore_ascii_case(expected.as_bytes()) {
        Ok(())
    } else {
        Err(InvalidContentType)
    }
}

/// Refuses the token, `client_secret` or `client_assertion` in the query
/// string, where proxies and servers log them (RFC 6749 §2.3.1, RFC 6750
/// §5.3).
pub(super) fn check_query(
    query: Option<&str>,
    token_parameter: &str,
) -> Result<(), ParameterInQuery> {
    let Some(query) = query else { return Ok(()) };
    let leaks = form::pairs(query.as_bytes()).any(|(name, _)| {
        form::name_is(name, token_parameter)
            || form::name_is(name, "client_secret")
            || form::name_is(name, "client_assertion")
    });
    if leaks {
        Err(ParameterInQuery)
    } else {
        Ok(())
    }
}

/// Parses the body per `encoding`.
pub(super) fn parse_body(
    body: &[u8],
    encoding: BodyEncoding,
    token_parameter: &str,
) -> Result<BodyParams, RequestRejection> {
    match encoding {
        BodyEncoding::Form => parse_form(body, token_parameter),
        BodyEncoding::Json => parse_json(body, token_parameter),
    }
}

/// RFC 7009 §2.1 form body: strict decoding, known parameters at most once,
/// empty values absent (RFC 6749 §3.2), unknown ones ignored.
fn parse_form(body: &[u8], token_parameter: &str) -> Result<BodyParams, RequestRejection> {
    let mut params = BodyParams::default();
    let mut seen = [false; Known::COUNT];
    for (raw_name, raw_value) in form::pairs(body) {
        let name = form::decode(raw_name).map_err(encoding_error)?;
        let Some(known) = Known::of(&name, token_parameter) else {
            // Still refuse undecodable values: the body must be valid.
            form::decode(raw_value).map_err(encoding_error)?;
            continue;
        };
        if std::mem::replace(&mut seen[known as usize], true) {
            return Err(DuplicateParameter.into());
        }
        let value = form::decode(raw_value).map_err(encoding_error)?;
        params.set(known, value.into_owned());
    }
    Ok(params)
}

/// JSON body: an object; the token and `token_type_hint` members, when
/// present, are strings and appear once; other members are ignored.
fn parse_json(body: &[u8], token_parameter: &str) -> Result<BodyParams, RequestRejection> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let visitor = JsonVisitor { token_parameter };
    let params = serde::Deserializer::deserialize_map(&mut deserializer, visitor)
        .and_then(|params| deserializer.end().map(|()| params))
        .map_err(|_| InvalidJsonBody)?;
    Ok(params)
}

fn encoding_error(_: FormError) -> RequestRejection {
    InvalidFormEncoding.into()
}

struct JsonVisitor<'a> {
    token_parameter: &'a str,
}

impl<'de> serde::de::Visitor<'de> for JsonVisitor<'_> {
    type Value = BodyParams;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<BodyParams, A::Error> {
        use serde::de::Error;
        let mut params = BodyParams::default();
        let mut seen = [false; Known::COUNT];
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match Known::of(&name, self.token_parameter) {
                Some(known @ (Known::Token | Known::Hint)) => {
                    if std::mem::replace(&mut seen[known as usize], true) {
                        return Err(A::Error::custom("duplicate member"));
                    }
                    params.set(known, map.next_value::<String>()?);
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rejection::{DuplicateParameter, InvalidFormEncoding};

    fn form(body: &str) -> Result<BodyParams, RequestRejection> {
        parse_body(body.as_bytes(), BodyEncoding::Form, "token")
    }

    fn token(params: &BodyParams) -> Option<&str> {
        params.token.as_ref().map(Token::secret)
    }

    #[test]
    fn rfc7009_example_body_parses() {
        let p = form("token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token").unwrap();
        assert_eq!(token(&p), Some("45ghiukldjahdnhzdauz"));
        assert_eq!(p.token_type_hint, Some(TokenTypeHint::RefreshToken));
    }

    #[test]
    fn plus_in_a_value_is_a_space() {
        assert_eq!(token(&form("token=a+b%2Bc").unwrap()), Some("a b+c"));
    }

    #[test]
    fn empty_values_are_absent() {
        let p = form("token=&token_type_hint=&client_id=&client_secret=").unwrap();
        assert!(p.token.is_none() && p.token_type_hint.is_none());
        assert!(p.client.client_id.is_none() && p.client.client_secret.is_none());
        assert!(p.into_request().is_err());
    }

    #[test]
    fn duplicate_known_parameters_are_invalid_request() {
        for body in [
            "token=a&token=b",
            "token=a&token=",
            "token=a&token_type_hint=access_token&token_type_hint=refresh_token",
            "token=a&client_id=x&client_id=x",
            "token=a&client_secret=x&client_secret=y",
            "token=a&client_assertion=x&client_assertion=y",
            "token=a&client_assertion_type=x&client_assertion_type=y",
            "token=a&t%6Fken=b",
        ] {
            assert_eq!(form(body).unwrap_err(), DuplicateParameter.into(), "{body}");
        }
    }

    #[test]
    fn unknown_parameters_are_ignored_and_semicolon_is_not_a_separator() {
        let p = form("foo=1&foo=2&token=abc;token=def").unwrap();
        assert_eq!(token(&p), Some("abc;token=def"));
    }

    #[test]
    fn bad_encoding_is_invalid_request() {
        for body in [
            &b"token=%ZZ"[..],
            b"token=%FF",
            b"token=a\xffb",
            b"x=%ZZ&token=a",
            b"%FF=1",
        ] {
            let got = parse_body(body, BodyEncoding::Form, "token").unwrap_err();
            assert_eq!(got, InvalidFormEncoding.into(), "{body:?}");
        }
    }

    #[test]
    fn token_parameter_name_is_configurable() {
        let parse = |body: &[u8]| parse_body(body, BodyEncoding::Form, "access_token");
        let p = parse(b"access_token=abc").unwrap();
        assert_eq!(token(&p), Some("abc"));
        let only_token = parse(b"token=abc").unwrap();
        assert!(only_token.token.is_none());
    }

    #[test]
    fn content_type_is_checked_by_media_type() {
        let check = |value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(v) = value {
                headers.insert(CONTENT_TYPE, v.parse().unwrap());
            }
            check_content_type(&headers, BodyEncoding::Form).is_ok()
        };
        assert!(check(Some("application/x-www-form-urlencoded")));
        assert!(check(Some(
            "Application/X-WWW-Form-URLEncoded; charset=UTF-8"
        )));
        assert!(!check(Some("application/json")));
        assert!(!check(Some("text/plain")));
        assert!(!check(Some("multipart/form-data; boundary=x")));
        assert!(!check(None));
    }

    #[test]
    fn secrets_in_the_query_are_refused() {
        assert!(check_query(Some("token=abc"), "token").is_err());
        assert!(check_query(Some("a=1&client_secret=x"), "token").is_err());
        assert!(check_query(Some("client_assertion=x.y.z"), "token").is_err());
        assert!(check_query(Some("t%6Fken=abc"), "token").is_err());
        assert!(check_query(Some("client_id=x&foo=bar"), "token").is_ok());
        assert!(check_query(None, "token").is_ok());
    }

    #[test]
    fn json_body_takes_string_members_once() {
        let json = |body: &[u8]| parse_body(body, BodyEncoding::Json, "token");
        let p = json(br#"{"token":"abc","other":[1,{"token":2}]}"#).unwrap();
        assert_eq!(token(&p), Some("abc"));
        for bad in [
            &br#"{"token":"a","token":"b"}"#[..],
            br#"{"token":1}"#,
            br#"{"token":null}"#,
            br#"["token"]"#,
            br#"{"token":"a"} x"#,
            b"token=abc",
            b"",
        ] {
            assert_eq!(json(bad).unwrap_err(), InvalidJsonBody.into(), "{bad:?}");
        }
        assert!(json(br#"{"token":""}"#).unwrap().token.is_none());
    }
}
