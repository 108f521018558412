//! Key names: one function per kind of key, each with the hash tag that
//! decides its Redis Cluster slot (see the crate docs' key layout).

use tower_revoke::client::ClientId;
use tower_revoke::store::{AssertionDigest, TokenDigest};

/// Builds the keys of one store under its prefix.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    prefix: Box<str>,
}

impl Keys {
    /// Keys under `prefix`.
    ///
    /// # Panics
    /// When `prefix` is empty or holds `{` or `}`: a hash tag in the prefix
    /// would put every key in one cluster slot.
    #[track_caller]
    pub(crate) fn new(prefix: &str) -> Self {
        assert!(
            !prefix.is_empty() && !prefix.contains(['{', '}']),
            "RedisStore::key_prefix: expected a non-empty prefix without `{{` or `}}`, got {prefix:?}"
        );
        Self {
            prefix: prefix.into(),
        }
    }

    /// The prefix every key starts with.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `P:c:{<client_id>}`: the client's secret digest, or `public`, or
    /// `keys` (no secret, registered keys).
    pub(crate) fn client(&self, client_id: &ClientId) -> String {
        format!("{}:c:{{{}}}", self.prefix, escape(client_id.as_str()))
    }

    /// `P:ck:{<client_id>}`: the keys the client registered (RFC 7591 §2
    /// `jwks` or `jwks_uri`, a hash); same slot as [`client`](Self::client),
    /// so one script writes both.
    pub(crate) fn client_keys(&self, client_id: &ClientId) -> String {
        format!("{}:ck:{{{}}}", self.prefix, escape(client_id.as_str()))
    }

    /// `P:ca:{<assertion digest>}`: present while a used client assertion
    /// (RFC 7523 §3) is remembered.
    pub(crate) fn assertion(&self, digest: &AssertionDigest) -> String {
        let hex = TokenDigest::from_bytes(*digest.as_bytes()).to_hex();
        format!("{}:ca:{{{hex}}}", self.prefix)
    }

    /// `P:t:{<digest>}`: the token's record (a hash).
    pub(crate) fn token(&self, digest: &TokenDigest) -> String {
        format!("{}:t:{{{}}}", self.prefix, digest.to_hex())
    }

    /// `P:g:{<client_id>:<grant_id>}`: the grant's tokens (a sorted set).
    pub(crate) fn grant(&self, client_id: &str, grant_id: &str) -> String {
        format!("{}:g:{{{}}}", self.prefix, grant_tag(client_id, grant_id))
    }

    /// `P:g:{<client_id>:<grant_id>}:ended`: present once the grant is
    /// ended; same slot as [`grant`](Self::grant).
    pub(crate) fn grant_ended(&self, client_id: &str, grant_id: &str) -> String {
        let tag = grant_tag(client_id, grant_id);
        format!("{}:g:{{{tag}}}:ended", self.prefix)
    }

    /// `P:jd:{<issuer>:<jti>}`: present while the JWT is denied.
    pub(crate) fn denied_jti(&self, issuer: &str, jti: &str) -> String {
        format!("{}:jd:{{{}:{}}}", self.prefix, escape(issuer), escape(jti))
    }

    /// `P:jc:{<issuer>:<subject>}`: the subject's JWT cutoff (Unix
    /// seconds).
    pub(crate) fn subject_cutoff(&self, issuer: &str, subject: &str) -> String {
        format!(
            "{}:jc:{{{}:{}}}",
            self.prefix,
            escape(issuer),
            escape(subject)
        )
    }

    /// `P:s:{<subject>}`: the subject's tokens (a sorted set).
    pub(crate) fn subject(&self, subject: &str) -> String {
        format!("{}:s:{{{}}}", self.prefix, escape(subject))
    }
}

fn grant_tag(client_id: &str, grant_id: &str) -> String {
    format!("{}:{}", escape(client_id), escape(grant_id))
}

/// Percent-encodes `%`, `:`, `{` and `}`: a hash tag then ends where the
/// key says, and `client:grant` splits one way only.
fn escape(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            ':' => escaped.push_str("%3A"),
            '{' => escaped.push_str("%7B"),
            '}' => escaped.push_str("%7D"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_revoke::request::Token;

    #[test]
    fn grants_of_two_clients_never_share_a_key() {
        let keys = Keys::new("trv");
        assert_ne!(keys.grant("a:b", "c"), keys.grant("a", "b:c"));
        assert_eq!(keys.grant("app1", "G1"), "trv:g:{app1:G1}");
        assert_eq!(keys.grant_ended("app1", "G1"), "trv:g:{app1:G1}:ended");
    }

    #[test]
    fn hash_tags_hold_no_brace() {
        let keys = Keys::new("trv");
        assert_eq!(keys.subject("{x}"), "trv:s:{%7Bx%7D}");
        let id = ClientId::new("a}b").unwrap();
        assert_eq!(keys.client(&id), "trv:c:{a%7Db}");
        let digest = TokenDigest::of(&Token::new("abc").unwrap());
        assert!(keys.token(&digest).starts_with("trv:t:{ba7816bf"));
    }

    #[test]
    fn deny_list_keys_keep_their_parts_apart() {
        let keys = Keys::new("trv");
        assert_eq!(
            keys.denied_jti("https://as", "j1"),
            "trv:jd:{https%3A//as:j1}"
        );
        assert_ne!(keys.denied_jti("a:b", "c"), keys.denied_jti("a", "b:c"));
        assert_eq!(keys.subject_cutoff("i", "{s}"), "trv:jc:{i:%7Bs%7D}");
    }

    #[test]
    fn a_client_and_its_keys_share_a_slot_and_assertions_spread() {
        let keys = Keys::new("trv");
        let id = ClientId::new("a:b").unwrap();
        assert_eq!(keys.client(&id), "trv:c:{a%3Ab}");
        assert_eq!(keys.client_keys(&id), "trv:ck:{a%3Ab}");
        let app1 = ClientId::new("app1").unwrap();
        let used = keys.assertion(&AssertionDigest::of(&app1, "jti-1"));
        assert!(
            used.starts_with("trv:ca:{") && used.ends_with('}'),
            "{used}"
        );
        assert_eq!(used.len(), "trv:ca:{}".len() + 64, "{used}");
        assert!(!used.contains("jti-1"));
    }

    #[test]
    #[should_panic(expected = "RedisStore::key_prefix")]
    fn a_prefix_with_a_hash_tag_is_refused() {
        Keys::new("a{b}");
    }
}
