//! The store's options: `access_token_revokes_grant`.

use crate::common;
use tower_revoke::IssuanceStore;

use tower_revoke::{RevocationOutcome, TokenKind};

#[tokio::test]
async fn an_access_token_can_revoke_its_grant() {
    let Some(url) = common::redis_url("an_access_token_can_revoke_its_grant") else {
        return;
    };
    let store = common::store(&url, "at-grant")
        .await
        .access_token_revokes_grant(true);
    store.seed(&common::seed(common::SEED)).await.unwrap();
    let revoked = RevocationOutcome::Revoked {
        kind: TokenKind::AccessToken,
        cascaded: 1,
    };
    assert_eq!(common::revoke(&store, "AT1").await, revoked);
    assert!(!common::is_active(&store, "RT1").await);
    let mut conn = store.connection().clone();
    common::clean(&mut conn, store.get_key_prefix()).await;
}
