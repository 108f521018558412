//! What both stores keep for `private_key_jwt` client authentication
//! (RFC 7523 §2.2, §3), and how they read it back: a client's registered
//! keys as the columns `jwks` and `jwks_uri` (RFC 7591 §2), and the bound
//! on the expired records of used assertions that each use deletes. Each
//! store's `assertion` module implements
//! [`ClientAssertionStore`](tower_revoke::ClientAssertionStore) with them.

use crate::error::corrupt;
use tower_revoke::store::{AssertionUse, ClientEntry, ClientKeys};
use tower_revoke::StoreError;

/// How many expired records of used assertions each
/// [`use_assertion`](tower_revoke::ClientAssertionStore::use_assertion)
/// deletes at most, besides recording its own: many more than the one
/// record it adds, so expired records never pile up (a burst that expires
/// at once is drained by the uses that follow), and few enough that the
/// statement stays short. No sweep ever locks the table.
pub(crate) const SWEPT_PER_USE: i64 = 16;

/// The `jwks` and `jwks_uri` columns of a client: both `NULL` without
/// keys, at most one set ([`ClientKeys`] is one or the other).
pub(crate) fn key_columns(client: &ClientEntry) -> (Option<&str>, Option<&str>) {
    match &client.keys {
        None => (None, None),
        Some(ClientKeys::Jwks(jwks)) => (Some(&**jwks), None),
        Some(ClientKeys::JwksUri(uri)) => (None, Some(&**uri)),
    }
}

/// The keys stored in a client's `jwks` and `jwks_uri`, checked again as
/// when they were registered (a key set edited by hand into holding a
/// private or symmetric key is refused, not used).
pub(crate) fn stored_keys(
    jwks: Option<String>,
    jwks_uri: Option<String>,
) -> Result<Option<ClientKeys>, StoreError> {
    let keys = match (jwks, jwks_uri) {
        (None, None) => return Ok(None),
        (Some(jwks), None) => ClientKeys::jwks(&jwks),
        (None, Some(uri)) => ClientKeys::jwks_uri(&uri),
        (Some(_), Some(_)) => return Err(corrupt("client keys: both jwks and jwks_uri")),
    };
    keys.map(Some).map_err(|_| corrupt("client keys"))
}

/// Implements [`ClientAssertionStore`](tower_revoke::ClientAssertionStore)
/// for a store whose `shared()` reads a client's keys and whose inherent
/// `use_once` records a use of an assertion (its `assertion` module).
macro_rules! client_assertion_store {
    ($store:ident) => {
        impl tower_revoke::ClientAssertionStore for $store {
            /// One `SELECT` by client id: the client's `jwks` or `jwks_uri`
            /// (RFC 7591 §2), as registered; `None` for an unknown client
            /// and for one without keys alike.
            async fn client_keys(
                &self,
                client_id: &tower_revoke::client::ClientId,
            ) -> Result<Option<tower_revoke::store::ClientKeys>, tower_revoke::StoreError> {
                self.shared().client_keys(client_id).await
            }

            #[doc = concat!(
                        "Records the assertion's digest, or finds it used (RFC 7523 §3 item 7), ",
                        "and deletes a few expired records: of concurrent uses of one assertion, ",
                        "on any connection or instance, exactly one is `First`. How: [`",
                        stringify!($store),
                        "`]'s docs."
                    )]
            async fn use_assertion(
                &self,
                assertion: &tower_revoke::store::AssertionDigest,
                expires_at: u64,
            ) -> Result<tower_revoke::store::AssertionUse, tower_revoke::StoreError> {
                self.use_once(assertion, expires_at).await
            }
        }
    };
}
pub(crate) use client_assertion_store;

/// The answer of a use that recorded the assertion (`true`: inserted, or
/// an expired record replaced) or found a live record (`false`).
pub(crate) fn assertion_use(recorded: bool) -> AssertionUse {
    match recorded {
        true => AssertionUse::First,
        false => AssertionUse::Replayed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_revoke::client::ClientId;

    const JWKS: &str = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;

    #[test]
    fn keys_go_in_one_column_and_come_back_as_registered() {
        let client = || ClientEntry::new(ClientId::new("c").unwrap(), None);
        assert_eq!(key_columns(&client()), (None, None));
        let jwks = ClientKeys::jwks(JWKS).unwrap();
        let keyed = client().with_keys(jwks.clone());
        assert_eq!(key_columns(&keyed), (Some(JWKS), None));
        let (set, uri) = key_columns(&keyed);
        let back = stored_keys(set.map(str::to_owned), uri.map(str::to_owned));
        assert_eq!(back.unwrap(), Some(jwks));
        let by_uri = ClientKeys::jwks_uri("https://c.example/jwks").unwrap();
        let keyed = client().with_keys(by_uri.clone());
        assert_eq!(key_columns(&keyed), (None, Some("https://c.example/jwks")));
        let back = stored_keys(None, Some("https://c.example/jwks".into()));
        assert_eq!(back.unwrap(), Some(by_uri));
        assert_eq!(stored_keys(None, None).unwrap(), None);
    }

    #[test]
    fn keys_edited_into_something_else_are_an_error() {
        let symmetric = r#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#;
        assert!(stored_keys(Some(symmetric.into()), None).is_err());
        assert!(stored_keys(None, Some("ftp://x/jwks".into())).is_err());
        let both = stored_keys(Some(JWKS.into()), Some("https://c.example/".into()));
        assert!(both.is_err());
    }
}
