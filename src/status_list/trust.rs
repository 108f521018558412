//! Which status list URIs a resource server may fetch: those under a
//! configured issuer on a path boundary, whose path cannot climb out of
//! it (no dot segment, no backslash, no percent-encoded separator, no
//! fragment), checked before any request and on every one, without
//! allocating.

/// Whether `uri` is under `issuer` on a path boundary.
pub(super) fn under_issuer(uri: &str, issuer: &str) -> bool {
    match uri.strip_prefix(issuer) {
        Some(rest) if issuer.ends_with('/') => !rest.is_empty(),
        Some(rest) => rest.starts_with('/'),
        None => false,
    }
}

/// Whether `uri`'s path has no dot segment (`.` or `..`, percent-encoded
/// or not), no backslash and no percent-encoded separator, and `uri` no
/// fragment: a path that cannot climb out of an issuer's.
pub(super) fn plain_path(uri: &str) -> bool {
    if uri.contains(['#', '\\']) {
        return false;
    }
    let path = uri.split('?').next().unwrap_or_default();
    !path.split('/').any(is_dot_segment) && !encodes_separator(path)
}

/// Whether `path` holds a percent-encoded `/` or `\` (`%2F`, `%5C`, any
/// case), which a server decoding it could take for a separator.
fn encodes_separator(path: &str) -> bool {
    path.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1], w[2].to_ascii_lowercase()),
                (b'2', b'f') | (b'5', b'c')
            )
    })
}

/// Whether `segment` is `.` or `..`, each dot literal or `%2e`/`%2E`
/// (RFC 3986 §2.3, §5.2.4), without allocating: this runs on every
/// request.
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', e, tail @ ..] if e.eq_ignore_ascii_case(&b'e') => tail,
            _ => return false,
        };
        dots += 1;
    }
    (1..=2).contains(&dots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uris_under_an_issuer_on_a_path_boundary_are_trusted() {
        let trusted = |uri: &str, issuer: &str| plain_path(uri) && under_issuer(uri, issuer);
        let issuer = "https://as.example";
        assert!(trusted("https://as.example/statuslists/1", issuer));
        assert!(trusted("https://as.example/a?b=..", issuer));
        assert!(trusted("https://as.example/a/.../x", issuer));
        assert!(!trusted("https://as.example/a/%2e%2fx", issuer));
        assert!(!trusted("https://as.example/a/..%5C..%5cx", issuer));
        for uri in [
            "https://as.example",
            "https://as.example.evil/statuslists/1",
            "https://as.example@evil.example/statuslists/1",
            "https://as.example:8443/statuslists/1",
            "https://as.example/../x",
            "https://as.example/a/%2E%2e/x",
            "https://as.example/a/.%2E/x",
            "https://as.example/%2e/x",
            "https://as.example/a/..",
            "https://as.example/a\\..\\b",
            "https://as.example/a#frag",
            "http://as.example/statuslists/1",
        ] {
            assert!(!trusted(uri, issuer), "{uri}");
        }
        assert!(trusted("https://as.example/t1/l", "https://as.example/t1/"));
        assert!(!trusted("https://as.example/t1/", "https://as.example/t1/"));
        assert!(!trusted(
            "https://as.example/t10/l",
            "https://as.example/t1"
        ));
    }
}
