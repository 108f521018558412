//! Which `jwks_uri`s the fetcher may fetch: `https`, and `http` only to a
//! loopback host with the switch on ([`target`]); and how a URI is logged,
//! without its query ([`Redacted`]).

use super::JwksFetchError;
use http::Uri;
use std::fmt;
use std::net::IpAddr;

/// `jwks_uri` parsed, when it may be fetched: an absolute `https` URI with
/// a host and without user information, or an `http` one to a loopback
/// host when `allow_loopback_http` is on.
pub(crate) fn target(jwks_uri: &str, allow_loopback_http: bool) -> Result<Uri, JwksFetchError> {
    let uri: Uri = jwks_uri.parse().map_err(|_| JwksFetchError::InvalidUri)?;
    let authority = uri.authority().ok_or(JwksFetchError::InvalidUri)?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return Err(JwksFetchError::InvalidUri);
    }
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if allow_loopback_http && is_loopback(authority.host()) => Ok(uri),
        Some("http") => Err(JwksFetchError::InsecureUri),
        _ => Err(JwksFetchError::InvalidUri),
    }
}

/// Whether `host` (as a URI has it, an IPv6 address in brackets) is
/// `localhost` or a loopback address.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let address = host
        .strip_prefix('[')
        .and_then(|host| host.strip_suffix(']'))
        .unwrap_or(host);
    address
        .parse::<IpAddr>()
        .is_ok_and(|address| address.is_loopback())
}

/// A URI shown without its query: scheme, host, port and path.
pub(super) struct Redacted<'a>(pub(super) &'a Uri);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self.0;
        let scheme = uri.scheme_str().unwrap_or_default();
        let authority = uri.authority().map_or("", |authority| authority.as_str());
        write!(f, "{scheme}://{authority}{}", uri.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_fetched_and_http_only_to_loopback_when_switched_on() {
        for uri in ["https://client.example/jwks", "https://10.1.2.3:8443/k?x=1"] {
            assert!(target(uri, false).is_ok(), "{uri}");
        }
        for uri in [
            "http://127.0.0.1:8080/jwks",
            "http://127.8.9.10/jwks",
            "http://[::1]:80/jwks",
            "http://LOCALHOST/jwks",
        ] {
            assert_eq!(
                target(uri, false),
                Err(JwksFetchError::InsecureUri),
                "{uri}"
            );
            assert!(target(uri, true).is_ok(), "{uri}");
        }
        for uri in [
            "http://10.1.2.3/jwks",
            "http://192.0.2.1/jwks",
            "http://localhost.example/jwks",
            "http://127.0.0.1.example/jwks",
            "http://[::ffff:127.0.0.1]/jwks",
            "http://127.1/jwks",
        ] {
            assert_eq!(target(uri, true), Err(JwksFetchError::InsecureUri), "{uri}");
        }
        for uri in [
            "ftp://client.example/jwks",
            "file:///etc/passwd",
            "/jwks",
            "https://",
            "https://user:pass@client.example/jwks",
            "https://@client.example/jwks",
            "not a uri",
        ] {
            assert_eq!(target(uri, true), Err(JwksFetchError::InvalidUri), "{uri}");
        }
    }

    #[test]
    fn logged_uris_have_no_query() {
        let uri: Uri = "https://client.example:8443/a/jwks?token=s3cr3t"
            .parse()
            .unwrap();
        assert_eq!(
            Redacted(&uri).to_string(),
            "https://client.example:8443/a/jwks"
        );
    }
}
