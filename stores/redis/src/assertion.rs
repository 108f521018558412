//! What `private_key_jwt` client authentication (RFC 7523 §2.2, §3) keeps:
//! a client's registered keys (RFC 7591 §2 `jwks` or `jwks_uri`), read in
//! one HMGET, and each used client assertion, one `SET NX PXAT` key that
//! vanishes when the assertion's record expires.

use crate::error::unexpected;
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::client::ClientId;
use tower_revoke::store::{AssertionDigest, AssertionUse, ClientKeys};
use tower_revoke::StoreError;

/// The fields of a client's keys hash `P:ck:{<client_id>}`, named after
/// the RFC 7591 §2 metadata; it holds exactly one of them.
const JWKS: &str = "jwks";
const JWKS_URI: &str = "jwks_uri";

/// The field and value that store `keys`: the JWK Set's JSON text, or the
/// URL.
pub(crate) fn keys_field(keys: &ClientKeys) -> (&'static str, &str) {
    match keys {
        ClientKeys::Jwks(jwks) => (JWKS, jwks),
        ClientKeys::JwksUri(uri) => (JWKS_URI, uri),
    }
}

/// The keys read back from the `[jwks, jwks_uri]` fields, checked again as
/// [`ClientKeys`] checks them when registered; `None` without a hash.
fn keys_from(fields: &[Option<String>]) -> Result<Option<ClientKeys>, StoreError> {
    let keys = match fields {
        [None, None] => return Ok(None),
        [Some(jwks), None] => ClientKeys::jwks(jwks),
        [None, Some(uri)] => ClientKeys::jwks_uri(uri),
        _ => return Err(unexpected("client keys")),
    };
    keys.map(Some).map_err(|_| unexpected("client keys"))
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One HMGET of the client's keys hash.
    pub(crate) async fn read_client_keys(
        &self,
        client_id: &ClientId,
    ) -> Result<Option<ClientKeys>, StoreError> {
        let key = self.keys.client_keys(client_id);
        let read = self.query(|c| c.hmget(key, &[JWKS, JWKS_URI]));
        let fields: Vec<Option<String>> = self.bounded(read).await?;
        keys_from(&fields)
    }

    /// One `SET P:ca:{<digest>} 1 NX PXAT <expires_at>`: set, the first
    /// use; there already, a replay. Atomic on the server, so of concurrent
    /// uses through any connection exactly one sets it; an expired key is
    /// gone, so its assertion is first again; an `expires_at` already past
    /// sets no lasting key (Redis deletes it at once) and is first unless
    /// a live record is there.
    pub(crate) async fn record_assertion(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        let first = self
            .set_until(self.keys.assertion(assertion), expires_at)
            .await?;
        Ok(match first {
            true => AssertionUse::First,
            false => AssertionUse::Replayed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWKS_TEXT: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}"#;

    fn read(jwks: Option<&str>, uri: Option<&str>) -> Result<Option<ClientKeys>, StoreError> {
        keys_from(&[jwks.map(str::to_owned), uri.map(str::to_owned)])
    }

    #[test]
    fn keys_read_back_as_written() {
        let uri = "https://client.example/jwks.json";
        for keys in [
            ClientKeys::jwks(JWKS_TEXT).unwrap(),
            ClientKeys::jwks_uri(uri).unwrap(),
        ] {
            let (field, value) = keys_field(&keys);
            let read = match field {
                JWKS => read(Some(value), None),
                _ => read(None, Some(value)),
            };
            assert_eq!(read.unwrap(), Some(keys));
        }
        assert_eq!(read(None, None).unwrap(), None);
    }

    #[test]
    fn keys_the_store_never_writes_are_an_error() {
        assert!(read(Some(JWKS_TEXT), Some("https://c.example/j")).is_err());
        assert!(read(Some(r#"{"keys":[{"kty":"oct","k":"AA"}]}"#), None).is_err());
        assert!(read(None, Some("ftp://c.example/j")).is_err());
    }
}
