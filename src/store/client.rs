//! The client a store authenticated (RFC 6749 §2.1, §2.3), and the
//! authentication decision a store makes from its stored digest.

use super::SecretDigest;
use crate::client::{ClientAuthMethod, ClientCredentials, ClientId};

/// Whether a client can keep a secret (RFC 6749 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    /// Has a secret and authenticated with it.
    Confidential,
    /// Has no secret (`none` method, RFC 7591 §2).
    Public,
}

/// A client the store has authenticated (RFC 6749 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedClient {
    /// The client's id.
    pub client_id: ClientId,
    /// Confidential or public; decides how a token of another client is
    /// answered (see [`OtherClientToken`](crate::revocation::OtherClientToken)).
    pub client_type: ClientType,
}

/// What a store holds about the client that presented credentials, for
/// [`authenticate`](Self::authenticate).
#[derive(Debug, Clone, Copy)]
pub enum StoredClient<'a> {
    /// No client has the presented id.
    Unknown,
    /// A public client (RFC 6749 §2.1): it has no secret.
    Public,
    /// A confidential client, with the digest of its secret.
    Confidential(&'a SecretDigest),
    /// A confidential client with registered keys (`jwks` or `jwks_uri`)
    /// and no secret: it authenticates only with `private_key_jwt`
    /// (RFC 7523 §2.2), which [`authenticate`](Self::authenticate) does not
    /// decide, so every secret and `none` fail. Never treat such a client
    /// as [`Public`](Self::Public): anyone could then act as it with its
    /// id alone.
    KeysOnly,
}

impl StoredClient<'_> {
    /// Decides client authentication (RFC 6749 §2.3.1, RFC 7591 §2):
    /// a confidential client must present its secret, by any method that
    /// carries one; a public client must present none (method `none`).
    /// `None` for every failure alike.
    ///
    /// # Security
    /// When a secret is presented, the work is the same whether the client
    /// is unknown, public or confidential, and whatever the secret's length:
    /// one SHA-256 of the presented secret and one comparison of two
    /// 32-byte digests in constant time (against a fixed digest when there
    /// is nothing to compare with). Timing tells neither which client ids
    /// exist nor anything about the stored secret.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::ClientType;
    /// use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
    /// use tower_revoke::store::{SecretDigest, StoredClient};
    ///
    /// let stored = SecretDigest::of(&ClientSecret::new("s3cr3t").unwrap());
    /// let presented = ClientCredentials::new(
    ///     ClientId::new("app1").unwrap(),
    ///     Some(ClientSecret::new("s3cr3t").unwrap()),
    ///     ClientAuthMethod::ClientSecretBasic,
    /// );
    /// let client = StoredClient::Confidential(&stored).authenticate(&presented).unwrap();
    /// assert_eq!(client.client_type, ClientType::Confidential);
    /// assert!(StoredClient::Unknown.authenticate(&presented).is_none());
    /// assert!(StoredClient::Public.authenticate(&presented).is_none());
    /// ```
    pub fn authenticate(self, credentials: &ClientCredentials) -> Option<AuthenticatedClient> {
        // One code path whatever the client: the same instructions hash and
        // compare, against the stored digest or the fixed one.
        let expected = match self {
            Self::Confidential(stored) => stored,
            Self::Unknown | Self::Public | Self::KeysOnly => dummy(),
        };
        let secret_matches = credentials
            .client_secret()
            .map(|presented| expected.matches(presented));
        let client_type = match (self, secret_matches) {
            (Self::Confidential(_), Some(true)) => Some(ClientType::Confidential),
            (Self::Public, None) if credentials.method() == ClientAuthMethod::None => {
                Some(ClientType::Public)
            }
            _ => None,
        }?;
        Some(AuthenticatedClient {
            client_id: credentials.client_id().clone(),
            client_type,
        })
    }
}

/// What a presented secret is compared with when there is no stored digest.
fn dummy() -> &'static SecretDigest {
    static DUMMY: std::sync::OnceLock<SecretDigest> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| SecretDigest::of_bytes(b"tower-revoke: no such client"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientSecret;

    fn credentials(secret: Option<&str>, method: ClientAuthMethod) -> ClientCredentials {
        let secret = secret.map(|s| ClientSecret::new(s).unwrap());
        ClientCredentials::new(ClientId::new("app1").unwrap(), secret, method)
    }

    #[test]
    fn confidential_client_needs_its_exact_secret() {
        let stored = SecretDigest::of(&ClientSecret::new("s3cr3t").unwrap());
        let client = StoredClient::Confidential(&stored);
        let post = ClientAuthMethod::ClientSecretPost;
        assert!(client
            .authenticate(&credentials(Some("s3cr3t"), post))
            .is_some());
        assert!(client
            .authenticate(&credentials(Some("s3cr3T"), post))
            .is_none());
        assert!(client
            .authenticate(&credentials(Some("s3cr3"), post))
            .is_none());
        let none = credentials(None, ClientAuthMethod::None);
        assert!(client.authenticate(&none).is_none());
    }

    #[test]
    fn public_client_must_present_no_secret() {
        let none = credentials(None, ClientAuthMethod::None);
        let found = StoredClient::Public.authenticate(&none).unwrap();
        assert_eq!(found.client_type, ClientType::Public);
        let post = credentials(Some("x"), ClientAuthMethod::ClientSecretPost);
        assert!(StoredClient::Public.authenticate(&post).is_none());
        assert!(StoredClient::Unknown.authenticate(&none).is_none());
    }

    #[test]
    fn a_client_with_keys_only_authenticates_with_no_secret_and_not_with_none() {
        let none = credentials(None, ClientAuthMethod::None);
        assert!(StoredClient::KeysOnly.authenticate(&none).is_none());
        let post = credentials(Some("x"), ClientAuthMethod::ClientSecretPost);
        assert!(StoredClient::KeysOnly.authenticate(&post).is_none());
    }
}
