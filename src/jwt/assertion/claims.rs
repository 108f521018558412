//! The claims of a client assertion (RFC 7523 §3) and their rules, apart
//! from the signature: pure functions of the claims, the accepted
//! audiences and the time.

use serde::Deserialize;

/// The registered claims a client assertion is checked on (RFC 7519 §4.1).
/// Any other claim is ignored.
#[derive(Debug, Deserialize)]
pub(super) struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
}

/// `aud`: one string, or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// What the claims are held to.
pub(super) struct Rules<'a> {
    /// The client id the request names: `iss` and `sub` must equal it.
    pub(super) client_id: &'a str,
    /// The audiences accepted, the issuer identifier first.
    pub(super) audiences: &'a [&'a str],
    /// Whether `aud` must be the issuer identifier as its sole value
    /// (draft-ietf-oauth-rfc7523bis §4.1 b).
    pub(super) sole_issuer_audience: bool,
    /// The longest `exp` may lie ahead of now, leeway included, in seconds.
    pub(super) max_ahead: u64,
    /// The clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    pub(super) leeway: u64,
    /// Now, in Unix seconds.
    pub(super) now: u64,
}

/// Why claims were refused; never shown to the client (every failure is
/// the same `invalid_client`), logged at DEBUG as the fixed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClaimsError {
    /// `iss` or `sub` missing, or not the client id (RFC 7523 §3 items 1, 2).
    WrongClient,
    /// `aud` missing or without an accepted audience (RFC 7523 §3 item 3).
    WrongAudience,
    /// `exp` missing or not a number (RFC 7523 §3 item 4).
    NoExpiry,
    /// `exp` past, beyond the leeway.
    Expired,
    /// `exp` further ahead than the longest lifetime allowed.
    TooLongLived,
    /// `nbf` or `iat` ahead of now, beyond the leeway (RFC 7523 §3 items 5, 6).
    NotYetValid,
    /// `jti` missing or empty (required here: it is what makes an
    /// assertion single-use, RFC 7523 §3 item 7).
    NoJti,
}

impl ClaimsError {
    pub(super) const fn as_str(self) -> &'static str {
        match self {
            Self::WrongClient => "iss or sub is not the client id",
            Self::WrongAudience => "aud names no accepted audience",
            Self::NoExpiry => "exp is missing",
            Self::Expired => "exp is past",
            Self::TooLongLived => "exp is too far ahead",
            Self::NotYetValid => "nbf or iat is ahead",
            Self::NoJti => "jti is missing",
        }
    }
}

/// A client assertion's claims that passed [`AssertionClaims::check`].
pub(super) struct Checked<'c> {
    /// `jti`.
    pub(super) jti: &'c str,
    /// `exp`, in Unix seconds.
    pub(super) expires_at: u64,
}

impl AssertionClaims {
    /// `sub`, unchecked: the client the assertion claims to come from.
    pub(super) fn subject(&self) -> Option<&str> {
        self.sub.as_deref()
    }

    /// Checks the claims in the order of RFC 7523 §3.
    pub(super) fn check(&self, rules: &Rules<'_>) -> Result<Checked<'_>, ClaimsError> {
        let is_client = |claim: &Option<String>| claim.as_deref() == Some(rules.client_id);
        if !is_client(&self.iss) || !is_client(&self.sub) {
            return Err(ClaimsError::WrongClient);
        }
        if !self.audience_accepted(rules) {
            return Err(ClaimsError::WrongAudience);
        }
        let exp = seconds(self.exp).ok_or(ClaimsError::NoExpiry)?;
        if exp.saturating_add(rules.leeway) <= rules.now {
            return Err(ClaimsError::Expired);
        }
        if exp > rules.now.saturating_add(rules.max_ahead) {
            return Err(ClaimsError::TooLongLived);
        }
        let ahead = |claim: Option<f64>| {
            claim.is_some_and(|at| seconds(Some(at)).is_none_or(|at| at > rules.now + rules.leeway))
        };
        if ahead(self.nbf) || ahead(self.iat) {
            return Err(ClaimsError::NotYetValid);
        }
        let jti = self.jti.as_deref().filter(|jti| !jti.is_empty());
        let jti = jti.ok_or(ClaimsError::NoJti)?;
        Ok(Checked {
            jti,
            expires_at: exp,
        })
    }

    /// Whether `aud` holds an accepted audience (Simple String Comparison,
    /// RFC 3986 §6.2.1), or, under the strict rule, is the issuer alone.
    fn audience_accepted(&self, rules: &Rules<'_>) -> bool {
        let values: &[String] = match &self.aud {
            Some(Audience::One(one)) => std::slice::from_ref(one),
            Some(Audience::Many(many)) => many,
            None => &[],
        };
        match rules.sole_issuer_audience {
            true => matches!(values, [only] if only == rules.audiences[0]),
            false => values
                .iter()
                .any(|value| rules.audiences.contains(&value.as_str())),
        }
    }
}

/// A NumericDate (RFC 7519 §2: seconds, possibly fractional) as whole
/// seconds, rounded down; `None` when absent, negative or not finite.
fn seconds(value: Option<f64>) -> Option<u64> {
    let value = value.filter(|v| v.is_finite() && *v >= 0.0)?;
    // Truncation is intended: a NumericDate's fraction is below a second.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(value.floor() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;
    const AUDIENCES: &[&str] = &["https://as.example", "https://as.example/oauth/revoke"];

    fn rules() -> Rules<'static> {
        Rules {
            client_id: "app1",
            audiences: AUDIENCES,
            sole_issuer_audience: false,
            max_ahead: 3600 + 30,
            leeway: 30,
            now: NOW,
        }
    }

    fn claims(json: serde_json::Value) -> AssertionClaims {
        serde_json::from_value(json).unwrap()
    }

    fn base() -> serde_json::Value {
        serde_json::json!({
            "iss": "app1", "sub": "app1", "aud": "https://as.example",
            "exp": NOW + 60, "iat": NOW, "jti": "j1"
        })
    }

    fn with(name: &str, value: serde_json::Value) -> Result<u64, ClaimsError> {
        let mut json = base();
        match value {
            serde_json::Value::Null => json.as_object_mut().unwrap().remove(name),
            value => json.as_object_mut().unwrap().insert(name.into(), value),
        };
        claims(json)
            .check(&rules())
            .map(|checked| checked.expires_at)
    }

    #[test]
    fn a_good_assertion_passes_with_its_expiry() {
        assert_eq!(with("nbf", (NOW - 1).into()), Ok(NOW + 60));
        assert_eq!(with("exp", (NOW as f64 + 60.9).into()), Ok(NOW + 60));
    }

    #[test]
    fn issuer_and_subject_must_be_the_client() {
        assert_eq!(with("iss", "app2".into()), Err(ClaimsError::WrongClient));
        assert_eq!(with("sub", "app2".into()), Err(ClaimsError::WrongClient));
        assert_eq!(
            with("sub", serde_json::Value::Null),
            Err(ClaimsError::WrongClient)
        );
    }

    #[test]
    fn the_audience_is_one_of_the_accepted_ones() {
        let endpoint = "https://as.example/oauth/revoke";
        assert!(with("aud", endpoint.into()).is_ok());
        assert!(with("aud", serde_json::json!(["x", endpoint])).is_ok());
        let wrong = Err(ClaimsError::WrongAudience);
        assert_eq!(with("aud", "https://as.example/".into()), wrong);
        assert_eq!(with("aud", serde_json::json!([])), wrong);
        assert_eq!(with("aud", serde_json::Value::Null), wrong);
    }

    #[test]
    fn the_strict_rule_takes_the_issuer_as_sole_audience() {
        let strict = Rules {
            sole_issuer_audience: true,
            ..rules()
        };
        let check = |aud: serde_json::Value| {
            let mut json = base();
            json["aud"] = aud;
            claims(json).check(&strict).map(|_| ())
        };
        assert_eq!(check("https://as.example".into()), Ok(()));
        assert_eq!(check(serde_json::json!(["https://as.example"])), Ok(()));
        let wrong = Err(ClaimsError::WrongAudience);
        assert_eq!(check("https://as.example/oauth/revoke".into()), wrong);
        assert_eq!(check(serde_json::json!(["https://as.example", "x"])), wrong);
    }

    #[test]
    fn times_are_held_to_the_leeway_and_the_longest_lifetime() {
        assert_eq!(
            with("exp", serde_json::Value::Null),
            Err(ClaimsError::NoExpiry)
        );
        assert!(with("exp", (NOW - 29).into()).is_ok());
        assert_eq!(with("exp", (NOW - 30).into()), Err(ClaimsError::Expired));
        assert!(with("exp", (NOW + 3630).into()).is_ok());
        assert_eq!(
            with("exp", (NOW + 3631).into()),
            Err(ClaimsError::TooLongLived)
        );
        assert!(with("nbf", (NOW + 30).into()).is_ok());
        assert_eq!(
            with("nbf", (NOW + 31).into()),
            Err(ClaimsError::NotYetValid)
        );
        assert_eq!(
            with("iat", (NOW + 31).into()),
            Err(ClaimsError::NotYetValid)
        );
        assert_eq!(with("iat", (-1).into()), Err(ClaimsError::NotYetValid));
    }

    #[test]
    fn a_jti_is_required() {
        assert_eq!(
            with("jti", serde_json::Value::Null),
            Err(ClaimsError::NoJti)
        );
        assert_eq!(with("jti", "".into()), Err(ClaimsError::NoJti));
    }
}
