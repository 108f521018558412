//! Client identity and credentials (RFC 6749 §2.2, §2.3).

use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The `client_assertion_type` of a JWT client assertion, the only one
/// accepted (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The endpoint a client authenticates at. A `private_key_jwt` assertion
/// may name the endpoint's URL as its audience (see
/// `jwt::ClientAssertionVerifier`, feature `jwt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssertionEndpoint {
    /// The token endpoint (RFC 6749 §3.2).
    Token,
    /// The revocation endpoint (RFC 7009 §2).
    Revocation,
    /// The introspection endpoint (RFC 7662 §2).
    Introspection,
}

/// A client identifier (RFC 6749 §2.2): non-empty UTF-8 without control
/// characters. Not a secret, so `Debug` shows it; error bodies never do.
///
/// Cheap to clone (reference-counted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(Arc<str>);

impl ClientId {
    /// Wraps a client id.
    ///
    /// # Errors
    /// [`InvalidCredential`] when it is empty or contains a control
    /// character.
    pub fn new(value: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        let value = value.as_ref();
        check_printable(value)?;
        Ok(Self(value.into()))
    }

    /// The client id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ClientId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A client secret (RFC 6749 §2.3.1): non-empty UTF-8 without control
/// characters.
///
/// `Debug` prints `ClientSecret(<redacted>)`. There is no `PartialEq`:
/// compare with [`ClientSecret::verify`], which takes constant time.
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret. An empty secret is an error, never a public client:
    /// a public client has no secret at all (`Option::None` where a secret
    /// is asked for).
    ///
    /// # Errors
    /// [`InvalidCredential`] when it is empty or contains a control
    /// character.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::client::{ClientSecret, InvalidCredential};
    ///
    /// assert!(ClientSecret::new("s3cr3t").is_ok());
    /// assert_eq!(ClientSecret::new("").unwrap_err(), InvalidCredential::Empty);
    /// assert_eq!(ClientSecret::new("a\nb").unwrap_err(), InvalidCredential::ControlCharacter);
    /// ```
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidCredential> {
        let value = value.into();
        check_printable(&value)?;
        Ok(Self(value))
    }

    /// The secret itself.
    ///
    /// # Security
    /// Do not log it or compare it with `==`; use [`ClientSecret::verify`].
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// Whether `expected` equals this secret: the SHA-256 digests of both
    /// are compared in constant time, so the time taken tells nothing of
    /// either secret, not even its length. A store keeps digests instead
    /// (see [`SecretDigest`](crate::store::SecretDigest)).
    pub fn verify(&self, expected: &str) -> bool {
        let digest = |secret: &str| -> [u8; 32] { Sha256::digest(secret.as_bytes()).into() };
        digest(&self.0).ct_eq(&digest(expected)).into()
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// Why a client id or secret was refused (RFC 6749 §2.3.1 gives them as
/// strings; this crate also refuses control characters, which no client
/// needs and which would corrupt logs and headers). `Display` describes the
/// problem and never quotes the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidCredential {
    /// The value is empty.
    Empty,
    /// The value contains a control character (Unicode `Cc`).
    ControlCharacter,
}

impl fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "empty",
            Self::ControlCharacter => "contains a control character",
        })
    }
}

impl std::error::Error for InvalidCredential {}

/// `Ok` when `value` is non-empty and free of control characters.
fn check_printable(value: &str) -> Result<(), InvalidCredential> {
    match (value.is_empty(), is_printable(value)) {
        (true, _) => Err(InvalidCredential::Empty),
        (false, false) => Err(InvalidCredential::ControlCharacter),
        (false, true) => Ok(()),
    }
}

/// Whether `value` is non-empty and free of control characters (Unicode
/// `Cc`: U+0000–U+001F, U+007F, and U+0080–U+009F, which UTF-8 encodes as
/// `C2 80`–`C2 9F`). Checked on the bytes, as `char::is_control` would
/// decode every character first.
pub(crate) fn is_printable(value: &str) -> bool {
    let bytes = value.as_bytes();
    let c1 = |at: usize| {
        bytes[at] == 0xC2 && bytes.get(at + 1).is_some_and(|b| (0x80..=0x9F).contains(b))
    };
    !bytes.is_empty()
        && !bytes
            .iter()
            .enumerate()
            .any(|(at, &b)| b < 0x20 || b == 0x7F || c1(at))
}

/// A client authentication method, named as in the IANA "OAuth Token
/// Endpoint Authentication Methods" registry (RFC 7591 §2), plus
/// [`AppKeyHeaders`](ClientAuthMethod::AppKeyHeaders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuthMethod {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret
    /// (RFC 6749 §2.3.1).
    ClientSecretBasic,
    /// `client_secret_post`: `client_id` and `client_secret` in the request
    /// body (RFC 6749 §2.3.1).
    ClientSecretPost,
    /// `none`: a public client that sends only `client_id` (RFC 7591 §2).
    None,
    /// `app_key_headers`: a pair of headers carrying the client id and its
    /// secret, by default `X-App-Id` and `X-App-Token` (not registered).
    AppKeyHeaders,
    /// `private_key_jwt`: a JWT signed with the client's private key, sent
    /// as `client_assertion` with `client_assertion_type`
    /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` in the body
    /// (RFC 7523 §2.2, §3; OpenID Connect Core §9). Accepted only where a
    /// `jwt::ClientAssertionVerifier` (feature `jwt`) checks it.
    PrivateKeyJwt,
}

impl ClientAuthMethod {
    /// The registry name, for example `"client_secret_basic"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
            Self::AppKeyHeaders => "app_key_headers",
            Self::PrivateKeyJwt => "private_key_jwt",
        }
    }

    /// Whether the method is in the IANA "OAuth Token Endpoint
    /// Authentication Methods" registry (RFC 7591 §2), and so may be
    /// advertised in RFC 8414 §2 metadata: every method but
    /// [`AppKeyHeaders`](ClientAuthMethod::AppKeyHeaders).
    pub const fn is_registered(self) -> bool {
        !matches!(self, Self::AppKeyHeaders)
    }

    /// Every method, registered ones first in registry order.
    pub(crate) const ALL: [Self; 5] = [
        Self::ClientSecretBasic,
        Self::ClientSecretPost,
        Self::None,
        Self::PrivateKeyJwt,
        Self::AppKeyHeaders,
    ];

    const fn bit(self) -> u8 {
        match self {
            Self::ClientSecretBasic => 1,
            Self::ClientSecretPost => 2,
            Self::None => 4,
            Self::AppKeyHeaders => 8,
            Self::PrivateKeyJwt => 16,
        }
    }
}

/// The set of client authentication methods an endpoint accepts.
///
/// The default is the RFC set: `client_secret_basic`, `client_secret_post`
/// and `none`. [`AppKeyHeaders`](ClientAuthMethod::AppKeyHeaders) is opt-in;
/// while it is off, the app-key headers are ignored entirely.
///
/// # Example
/// ```
/// use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
///
/// let methods = ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic)
///     .with(ClientAuthMethod::ClientSecretPost);
/// assert!(methods.contains(ClientAuthMethod::ClientSecretPost));
/// assert!(!methods.contains(ClientAuthMethod::None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAuthMethods(u8);

impl ClientAuthMethods {
    /// Just this method.
    pub const fn only(method: ClientAuthMethod) -> Self {
        Self(method.bit())
    }

    /// This set plus `method`.
    #[must_use]
    pub const fn with(self, method: ClientAuthMethod) -> Self {
        Self(self.0 | method.bit())
    }

    /// This set without `method`.
    #[must_use]
    pub const fn without(self, method: ClientAuthMethod) -> Self {
        Self(self.0 & !method.bit())
    }

    /// Whether `method` is in the set.
    pub const fn contains(self, method: ClientAuthMethod) -> bool {
        self.0 & method.bit() != 0
    }

    /// The methods in the set: `client_secret_basic`, `client_secret_post`,
    /// `none`, then app-key headers, each if present.
    pub fn iter(self) -> impl Iterator<Item = ClientAuthMethod> {
        ClientAuthMethod::ALL
            .into_iter()
            .filter(move |&method| self.contains(method))
    }
}

impl Default for ClientAuthMethods {
    fn default() -> Self {
        Self::only(ClientAuthMethod::ClientSecretBasic)
            .with(ClientAuthMethod::ClientSecretPost)
            .with(ClientAuthMethod::None)
    }
}

/// Client credentials as presented, before the store checks them
/// (RFC 6749 §2.3): the client id, the secret (absent for `none`) or the
/// signed assertion (`private_key_jwt`), and the method that carried them.
///
/// `Debug` shows the id and method and redacts the secret and assertion.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    method: ClientAuthMethod,
    raw_alternative: Option<Box<ClientCredentials>>,
    assertion: Option<ClientAssertion>,
}

/// A client assertion as presented (RFC 7521 §4.2 `client_assertion`): a
/// compact JWT (RFC 7523 §2.2), not yet verified. `Debug` is redacted, as
/// the assertion is a bearer credential until its `exp`.
#[derive(Clone)]
pub struct ClientAssertion(Box<str>);

impl ClientAssertion {
    /// Wraps an assertion.
    ///
    /// # Errors
    /// [`InvalidCredential`] when it is empty or contains a control
    /// character.
    pub fn new(value: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        let value = value.as_ref();
        check_printable(value)?;
        Ok(Self(value.into()))
    }

    /// The assertion itself (a compact JWT).
    ///
    /// # Security
    /// Do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientAssertion(<redacted>)")
    }
}

impl ClientCredentials {
    /// Credentials carried by `method`. `client_secret` is `None` exactly for
    /// [`ClientAuthMethod::None`].
    pub fn new(
        client_id: ClientId,
        client_secret: Option<ClientSecret>,
        method: ClientAuthMethod,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            method,
            raw_alternative: None,
            assertion: None,
        }
    }

    /// `private_key_jwt` credentials (RFC 7523 §2.2): `client_id` is the
    /// one the assertion names (its `sub`, not yet verified); no secret.
    pub fn assertion(client_id: ClientId, assertion: ClientAssertion) -> Self {
        Self {
            assertion: Some(assertion),
            ..Self::new(client_id, None, ClientAuthMethod::PrivateKeyJwt)
        }
    }

    pub(crate) fn with_raw_alternative(mut self, alternative: Option<ClientCredentials>) -> Self {
        self.raw_alternative = alternative.map(Box::new);
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The secret, if the method carries one.
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// The method that carried the credentials.
    pub fn method(&self) -> ClientAuthMethod {
        self.method
    }

    /// The client assertion, for [`ClientAuthMethod::PrivateKeyJwt`].
    pub fn client_assertion(&self) -> Option<&ClientAssertion> {
        self.assertion.as_ref()
    }

    /// Under [`BasicDecoding::Lenient`](crate::request::BasicDecoding::Lenient), the
    /// raw (RFC 7617, not form-decoded) reading of the same header when it
    /// differs from this one. The endpoint asks the store about it only when
    /// this reading fails.
    pub fn raw_alternative(&self) -> Option<&ClientCredentials> {
        self.raw_alternative.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let creds = ClientCredentials::new(
            ClientId::new("app1").unwrap(),
            Some(ClientSecret::new("s3cr3t").ok().unwrap()),
            ClientAuthMethod::ClientSecretBasic,
        );
        let debug = format!("{creds:?}");
        assert!(debug.contains("app1"));
        assert!(!debug.contains("s3cr3t"));
    }

    #[test]
    fn the_byte_check_agrees_with_char_is_control() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(is_printable(&text), !c.is_control(), "{:?}", c);
        }
    }

    #[test]
    fn control_characters_and_empty_values_are_refused() {
        assert_eq!(ClientId::new(""), Err(InvalidCredential::Empty));
        let control = InvalidCredential::ControlCharacter;
        assert_eq!(ClientId::new("a\u{7f}b"), Err(control));
        assert_eq!(ClientSecret::new("a\nb").map(drop), Err(control));
        assert_eq!(
            ClientSecret::new("").map(drop),
            Err(InvalidCredential::Empty)
        );
        assert!(ClientSecret::new("pä:ss wörd").is_ok());
    }

    #[test]
    fn verify_compares_whole_secret() {
        let secret = ClientSecret::new("s3cr3t").unwrap();
        assert!(secret.verify("s3cr3t"));
        assert!(!secret.verify("s3cr3"));
        assert!(!secret.verify("s3cr3T"));
    }

    #[test]
    fn method_set_defaults_to_rfc_methods() {
        let set = ClientAuthMethods::default();
        assert!(set.contains(ClientAuthMethod::ClientSecretBasic));
        assert!(set.contains(ClientAuthMethod::None));
        assert!(!set.contains(ClientAuthMethod::AppKeyHeaders));
        assert!(!set
            .without(ClientAuthMethod::None)
            .contains(ClientAuthMethod::None));
    }

    #[test]
    fn iteration_follows_registry_order() {
        let set = ClientAuthMethods::only(ClientAuthMethod::AppKeyHeaders)
            .with(ClientAuthMethod::None)
            .with(ClientAuthMethod::ClientSecretBasic);
        let names: Vec<_> = set.iter().map(ClientAuthMethod::as_str).collect();
        assert_eq!(names, ["client_secret_basic", "none", "app_key_headers"]);
        assert!(!ClientAuthMethod::AppKeyHeaders.is_registered());
    }
}
