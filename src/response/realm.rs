//! The protection realm and the `WWW-Authenticate` challenges built from it
//! (RFC 7235 §2.2, RFC 7617 §2, RFC 6750 §3).

use http::HeaderValue;
use std::fmt;
use std::sync::{Arc, LazyLock};

/// The realm named in `WWW-Authenticate` challenges, default `"tower-revoke"`.
///
/// Cheap to clone: the four challenges (Basic and Bearer, each with and
/// without an `error` attribute) are rendered once, when the realm is made.
///
/// # Example
/// ```
/// use tower_revoke::response::{BearerChallenge, Realm};
///
/// let realm = Realm::new("api \"v2\"");
/// assert_eq!(realm.basic(false), r#"Basic realm="api \"v2\"""#);
/// assert_eq!(
///     realm.basic(true),
///     r#"Basic realm="api \"v2\"", error="invalid_client""#
/// );
/// assert_eq!(
///     realm.bearer(BearerChallenge::InvalidToken),
///     r#"Bearer realm="api \"v2\"", error="invalid_token""#
/// );
/// ```
#[derive(Clone)]
pub struct Realm(Arc<Challenges>);

struct Challenges {
    name: Box<str>,
    resource_metadata: Option<Box<str>>,
    basic: HeaderValue,
    basic_invalid_client: HeaderValue,
    bearer: HeaderValue,
    bearer_invalid_token: HeaderValue,
    bearer_invalid_request: HeaderValue,
}

impl Realm {
    /// A realm with this name. `"` and `\` are escaped as a quoted-string
    /// (RFC 9110 §5.6.4).
    ///
    /// # Panics
    /// If `name` contains a control character, which no header may carry.
    pub fn new(name: &str) -> Self {
        Self::render(name, None)
    }

    /// This realm with the `resource_metadata` parameter (RFC 9728 §5.1)
    /// in its Bearer challenges: the URL of the protected resource's
    /// metadata (see
    /// [`ProtectedResourceMetadata::metadata_url`](crate::metadata::ProtectedResourceMetadata::metadata_url)),
    /// from which a client learns which authorization server to ask. The
    /// Basic challenges are unchanged.
    ///
    /// ```
    /// use tower_revoke::response::{BearerChallenge, Realm};
    ///
    /// let realm = Realm::new("api").with_resource_metadata("https://api.example/.well-known/oauth-protected-resource");
    /// assert_eq!(
    ///     realm.bearer(BearerChallenge::InvalidToken),
    ///     r#"Bearer realm="api", error="invalid_token", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#
    /// );
    /// ```
    ///
    /// # Panics
    /// If `url` contains a control character, a space, `"` or `\\`.
    #[must_use]
    pub fn with_resource_metadata(&self, url: &str) -> Self {
        assert!(
            url.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'),
            "Realm::with_resource_metadata: {url:?} is not a URL a challenge can quote"
        );
        Self::render(&self.0.name, Some(url))
    }

    /// The `resource_metadata` URL of the Bearer challenges, if any.
    pub fn resource_metadata(&self) -> Option<&str> {
        self.0.resource_metadata.as_deref()
    }

    fn render(name: &str, resource_metadata: Option<&str>) -> Self {
        assert!(
            !name.chars().any(char::is_control),
            "a realm must not contain control characters"
        );
        let mut quoted = String::with_capacity(name.len() + 2);
        quoted.push('"');
        for c in name.chars() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        let value = |text: String| {
            HeaderValue::from_str(&text).expect("a quoted realm without controls is a valid header")
        };
        let metadata = resource_metadata
            .map(|url| format!(", resource_metadata=\"{url}\""))
            .unwrap_or_default();
        let bearer = |error: &str| value(format!("Bearer realm={quoted}{error}{metadata}"));
        Self(Arc::new(Challenges {
            name: name.into(),
            resource_metadata: resource_metadata.map(Into::into),
            basic: value(format!("Basic realm={quoted}")),
            basic_invalid_client: value(format!("Basic realm={quoted}, error=\"invalid_client\"")),
            bearer: bearer(""),
            bearer_invalid_token: bearer(", error=\"invalid_token\""),
            bearer_invalid_request: bearer(", error=\"invalid_request\""),
        }))
    }

    /// The realm name as given.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The Basic challenge for a 401 `invalid_client` (RFC 6749 §5.2),
    /// with `error="invalid_client"` when `with_error` (the client used an
    /// `Authorization` header).
    pub fn basic(&self, with_error: bool) -> HeaderValue {
        if with_error {
            self.0.basic_invalid_client.clone()
        } else {
            self.0.basic.clone()
        }
    }

    /// The Bearer challenge of a protected resource (RFC 6750 §3): no
    /// `error` attribute when the request carried no token (§3.1),
    /// `error="invalid_token"` for a token that is malformed or not active,
    /// `error="invalid_request"` for a malformed request.
    pub fn bearer(&self, error: BearerChallenge) -> HeaderValue {
        match error {
            BearerChallenge::NoToken => self.0.bearer.clone(),
            BearerChallenge::InvalidToken => self.0.bearer_invalid_token.clone(),
            BearerChallenge::InvalidRequest => self.0.bearer_invalid_request.clone(),
        }
    }
}

/// Which `error` attribute a `WWW-Authenticate: Bearer` challenge carries
/// (RFC 6750 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerChallenge {
    /// No token was presented: no `error` attribute.
    NoToken,
    /// `error="invalid_token"`.
    InvalidToken,
    /// `error="invalid_request"`.
    InvalidRequest,
}

/// `"tower-revoke"`, rendered once per process and shared: every
/// rejection starts with the default realm before its endpoint gives it
/// its own, and rendering the five challenges anew for each one took
/// several allocations per refused request.
impl Default for Realm {
    fn default() -> Self {
        static DEFAULT: LazyLock<Realm> = LazyLock::new(|| Realm::new("tower-revoke"));
        DEFAULT.clone()
    }
}

impl fmt::Debug for Realm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Realm").field(&self.0.name).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_realm_challenges() {
        let realm = Realm::default();
        assert_eq!(realm.basic(false), "Basic realm=\"tower-revoke\"");
        assert_eq!(
            realm.bearer(BearerChallenge::NoToken),
            "Bearer realm=\"tower-revoke\""
        );
    }

    #[test]
    #[should_panic(expected = "control characters")]
    fn control_characters_panic() {
        Realm::new("a\r\nb");
    }
}
