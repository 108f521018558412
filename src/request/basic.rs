//! `client_secret_basic`: client credentials in `Authorization: Basic`
//! (RFC 6749 §2.3.1, RFC 7617 §2).

use super::form;
use super::scheme::{self, Scheme};
use crate::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use crate::rejection::{ClientAuthError, MalformedClientCredentials, UnsupportedAuthScheme};
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// Standard alphabet, padding optional, non-canonical trailing bits refused.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How the id and secret inside `Authorization: Basic` are decoded after
/// base64.
///
/// RFC 6749 §2.3.1 says the client id and secret are each encoded with
/// `application/x-www-form-urlencoded` before they are joined with `:` and
/// base64-encoded, so a secret `pa:ss+%` travels as `pa%3Ass%2B%25`. Many
/// clients skip that step and send plain RFC 7617 `id:secret` (Notion's SDK
/// does); [`Raw`](BasicDecoding::Raw) serves those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BasicDecoding {
    /// RFC 6749 §2.3.1: split at the first `:`, then form-decode each part
    /// (`+` is a space, `%XX` a byte). Invalid escapes are refused.
    FormUrlEncoded,
    /// RFC 7617 §2: split at the first `:`, take each part as UTF-8 as is.
    Raw,
    /// Accept either: the form-decoded reading first and, when it cannot
    /// be decoded or does not authenticate, the raw one (see
    /// [`ClientCredentials::raw_alternative`]). The default: real clients
    /// disagree, and this policy serves both kinds.
    #[default]
    Lenient,
}

/// Reads `client_secret_basic` credentials from one `Authorization` value.
///
/// The scheme is matched without regard to case and must be followed by one
/// or more spaces, then standard base64 with or without `=` padding
/// (RFC 7617 §2, RFC 4648 §4). The decoded text is split at the first `:`;
/// both parts must then decode under `decoding` to non-empty UTF-8 without
/// control characters.
///
/// # Errors
/// [`UnsupportedAuthScheme`] for another scheme; [`MalformedClientCredentials`]
/// for everything else that is wrong.
///
/// # Example
/// The RFC 6749 §2.3.1 example header:
/// ```
/// use http::HeaderValue;
/// use tower_revoke::request::{parse_basic, BasicDecoding};
///
/// let value = HeaderValue::from_static("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3");
/// let credentials = parse_basic(&value, BasicDecoding::FormUrlEncoded).unwrap();
/// assert_eq!(credentials.client_id().as_str(), "s6BhdRkqt3");
/// assert!(credentials.client_secret().unwrap().verify("7Fjfp0ZBr1KtDRbnfVdmIw"));
/// ```
pub fn parse_basic(
    value: &http::HeaderValue,
    decoding: BasicDecoding,
) -> Result<ClientCredentials, ClientAuthError> {
    let encoded = match scheme::split(value.as_bytes(), "Basic") {
        Scheme::Matches(encoded) => encoded,
        Scheme::Malformed => return Err(MalformedClientCredentials.into()),
        Scheme::Other => return Err(UnsupportedAuthScheme.into()),
    };
    let decoded = BASE64
        .decode(encoded)
        .map_err(|_| MalformedClientCredentials)?;
    let colon = decoded
        .iter()
        .position(|&b| b == b':')
        .ok_or(MalformedClientCredentials)?;
    let (id, secret) = (&decoded[..colon], &decoded[colon + 1..]);
    let form = || credentials(form::decode(id).ok()?, form::decode(secret).ok()?);
    let raw = || {
        credentials(
            std::str::from_utf8(id).ok()?,
            std::str::from_utf8(secret).ok()?,
        )
    };
    let result = match decoding {
        BasicDecoding::FormUrlEncoded => form(),
        BasicDecoding::Raw => raw(),
        BasicDecoding::Lenient => match (form(), raw()) {
            (Some(form), Some(raw)) if differs(&form, &raw) => {
                Some(form.with_raw_alternative(Some(raw)))
            }
            (form, raw) => form.or(raw),
        },
    };
    result.ok_or_else(|| MalformedClientCredentials.into())
}

fn credentials(id: impl AsRef<str>, secret: impl Into<String>) -> Option<ClientCredentials> {
    Some(ClientCredentials::new(
        ClientId::new(id).ok()?,
        Some(ClientSecret::new(secret).ok()?),
        ClientAuthMethod::ClientSecretBasic,
    ))
}

fn differs(a: &ClientCredentials, b: &ClientCredentials) -> bool {
    fn secret(c: &ClientCredentials) -> Option<&str> {
        c.client_secret().map(ClientSecret::secret)
    }
    a.client_id() != b.client_id() || secret(a) != secret(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
    use http::HeaderValue;

    fn header(raw: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(raw))).unwrap()
    }

    fn read(value: &HeaderValue, decoding: BasicDecoding) -> Option<(String, String)> {
        let c = parse_basic(value, decoding).ok()?;
        Some((
            c.client_id().as_str().to_owned(),
            c.client_secret()?.secret().to_owned(),
        ))
    }

    fn pair(id: &str, secret: &str) -> Option<(String, String)> {
        Some((id.to_owned(), secret.to_owned()))
    }

    #[test]
    fn rfc6749_example_header_parses() {
        let value = HeaderValue::from_static("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3");
        assert_eq!(
            read(&value, BasicDecoding::FormUrlEncoded),
            pair("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw")
        );
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let form = BasicDecoding::FormUrlEncoded;
        assert_eq!(read(&header("a%2Bb+c:x"), form), pair("a+b c", "x"));
        assert_eq!(read(&header("id:pa%3Ass"), form), pair("id", "pa:ss"));
        assert_eq!(read(&header("id:100%25real"), form), pair("id", "100%real"));
        assert_eq!(read(&header("id:p%C3%A4ss"), form), pair("id", "päss"));
        assert_eq!(read(&header("id:päss"), form), pair("id", "päss"));
        assert_eq!(read(&header("id:a:b"), form), pair("id", "a:b"));
    }

    #[test]
    fn raw_policy_takes_bytes_as_they_are() {
        let raw = BasicDecoding::Raw;
        assert_eq!(read(&header("id:100%real"), raw), pair("id", "100%real"));
        assert_eq!(read(&header("id:a+b%2B"), raw), pair("id", "a+b%2B"));
        assert_eq!(
            read(&header("id:pa:ss wörd"), raw),
            pair("id", "pa:ss wörd")
        );
    }

    #[test]
    fn lenient_policy_offers_both_readings() {
        let lenient = BasicDecoding::Lenient;
        let c = parse_basic(&header("id:a+b"), lenient).unwrap();
        assert_eq!(c.client_secret().unwrap().secret(), "a b");
        let raw = c.raw_alternative().unwrap();
        assert_eq!(raw.client_secret().unwrap().secret(), "a+b");
        // Not decodable as a form: only the raw reading.
        assert_eq!(
            read(&header("id:100%real"), lenient),
            pair("id", "100%real")
        );
        // Same either way: no alternative.
        let plain = parse_basic(&header("id:plain"), lenient).unwrap();
        assert!(plain.raw_alternative().is_none());
    }

    #[test]
    fn scheme_case_spaces_and_padding_are_accepted() {
        let unpadded = STANDARD_NO_PAD.encode("ab:c");
        for value in [
            format!("basic {}", STANDARD.encode("ab:c")),
            format!("BASIC    {}", STANDARD.encode("ab:c")),
            format!("Basic {unpadded}"),
        ] {
            let value = HeaderValue::from_str(&value).unwrap();
            assert_eq!(read(&value, BasicDecoding::FormUrlEncoded), pair("ab", "c"));
        }
    }

    #[test]
    fn malformed_basic_is_refused_under_every_policy() {
        let bad = |value: &str| HeaderValue::from_str(value).unwrap();
        let url_safe = format!("Basic {}", URL_SAFE.encode("id:s>?"));
        let not_utf8 = format!("Basic {}", STANDARD.encode(b"id:\xff"));
        for value in [
            bad("Basic !!!"),
            bad(&format!("Basic {} junk", STANDARD.encode("id:s"))),
            bad(&format!("Basic {}=", STANDARD.encode("id:s"))),
            bad(&url_safe),
            bad(&not_utf8),
            header("no-colon"),
            header("id:"),
            header(":secret"),
            header("id:a\u{1}b"),
            bad(&format!("Basic\t{}", STANDARD.encode("id:s"))),
            bad("Basic"),
            bad("Basic "),
        ] {
            for decoding in [
                BasicDecoding::FormUrlEncoded,
                BasicDecoding::Raw,
                BasicDecoding::Lenient,
            ] {
                let err = parse_basic(&value, decoding).map(|_| ()).unwrap_err();
                assert_eq!(
                    err,
                    MalformedClientCredentials.into(),
                    "{value:?} {decoding:?}"
                );
            }
        }
    }

    #[test]
    fn bad_escapes_after_base64_are_malformed_when_form_decoding() {
        for raw in ["id:%ZZ", "id:%FF", "i%d:secret", "id:a%01b"] {
            let err = parse_basic(&header(raw), BasicDecoding::FormUrlEncoded).unwrap_err();
            assert_eq!(err, MalformedClientCredentials.into(), "{raw}");
        }
    }

    #[test]
    fn other_schemes_are_unsupported() {
        let value = HeaderValue::from_static("Bearer abc");
        assert_eq!(
            parse_basic(&value, BasicDecoding::FormUrlEncoded).unwrap_err(),
            UnsupportedAuthScheme.into()
        );
    }
}
