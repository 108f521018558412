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

    /// `P:sl:{P}`: the status lists (a hash: `newest` and its `capacity`,
    /// `capacity:<n>` and `version:<n>` per list). Every key of the status
    /// lists has the tag `{P}` (the prefix, escaped): one slot.
    pub(crate) fn status_lists(&self) -> String {
        format!("{}:sl:{{{}}}", self.prefix, escape(&self.prefix))
    }

    /// `P:sl:{P}:<n>:allocated`: the indices of list `n` ever allocated (a
    /// bitmap, never cleared).
    pub(crate) fn status_allocated(&self, list: u64) -> String {
        format!("{}:{list}:allocated", self.status_lists())
    }

    /// `P:sl:{P}:<n>:bound`: the indices of list `n` bound to a token (a
    /// bitmap).
    pub(crate) fn status_bound(&self, list: u64) -> String {
        format!("{}:{list}:bound", self.status_lists())
    }

    /// `P:sl:{P}:invalid`: the INVALID statuses of every list (a sorted set
    /// of [`status_member`](crate::record::status_member)s, ordered by
    /// name).
    pub(crate) fn status_invalid(&self) -> String {
        format!("{}:invalid", self.status_lists())
    }

    /// `P:sj:{<issuer>:<jti>}`: the statuses of the JWT (a set); same slot
    /// as [`denied_jti`](Self::denied_jti).
    pub(crate) fn jti_statuses(&self, issuer: &str, jti: &str) -> String {
        format!("{}:sj:{{{}:{}}}", self.prefix, escape(issuer), escape(jti))
    }

    /// `P:ss:{<issuer>:<subject>}`: the statuses of the subject's JWTs (a
    /// sorted set scored by `iat`); same slot as
    /// [`subject_cutoff`](Self::subject_cutoff).
    pub(crate) fn subject_statuses(&self, issuer: &str, subject: &str) -> String {
        let tag = format!("{}:{}", escape(issuer), escape(subject));
        format!("{}:ss:{{{tag}}}", self.prefix)
    }

    /// `P:sx:{<issuer>:<subject>}`: the members of
    /// [`subject_statuses`](Self::subject_statuses) scored by when they
    /// expire (Unix milliseconds); same slot.
    pub(crate) fn subject_status_expiry(&self, issuer: &str, subject: &str) -> String {
        let tag = format!("{}:{}", escape(issuer), escape(subject));
        format!("{}:sx:{{{tag}}}", self.prefix)
    }

    /// `P:ts:{<digest>}`: the statuses bound to the token (a set); same
    /// slot as [`token`](Self::token).
    pub(crate) fn token_statuses(&self, digest: &TokenDigest) -> String {
        format!("{}:ts:{{{}}}", self.prefix, digest.to_hex())
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
    fn status_keys_share_their_revocations_slots() {
        let keys = Keys::new("a:b");
        assert_eq!(keys.status_lists(), "a:b:sl:{a%3Ab}");
        assert_eq!(keys.status_allocated(3), "a:b:sl:{a%3Ab}:3:allocated");
        assert_eq!(keys.status_bound(3), "a:b:sl:{a%3Ab}:3:bound");
        assert_eq!(keys.status_invalid(), "a:b:sl:{a%3Ab}:invalid");
        assert_eq!(keys.jti_statuses("i", "j:1"), "a:b:sj:{i:j%3A1}");
        assert_eq!(keys.denied_jti("i", "j:1"), "a:b:jd:{i:j%3A1}");
        assert_eq!(keys.subject_statuses("i", "s"), "a:b:ss:{i:s}");
        assert_eq!(keys.subject_status_expiry("i", "s"), "a:b:sx:{i:s}");
        let digest = TokenDigest::of(&Token::new("abc").unwrap());
        let tag = &keys.token(&digest)["a:b:t:".len()..];
        assert_eq!(keys.token_statuses(&digest), format!("a:b:ts:{tag}"));
    }

    #[test]
    #[should_panic(expected = "RedisStore::key_prefix")]
    fn a_prefix_with_a_hash_tag_is_refused() {
        Keys::new("a{b}");
    }
}
