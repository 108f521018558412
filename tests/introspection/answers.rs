//! What the endpoint answers (RFC 7662 §2.2): the members of an active
//! token, exactly `{"active":false}` for everything the caller may not
//! learn about, and 503 when the store fails.

use crate::fixture::{app, app_with, introspect_as, layer, store};
use crate::support::request::form;
use serde_json::json;
use std::time::Duration;
use tower_revoke::client::ClientCredentials;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{
    ActiveToken, AuthenticatedClient, IntrospectionStore, MemoryStore, RevocationOutcome,
    RevocationStore, StoreError,
};

#[tokio::test]
async fn an_active_access_token_shows_its_members() {
    let (_, app, _) = app();
    let members = introspect_as("app1", "token=AT1")
        .send(&app)
        .await
        .assert_active();
    let expected = json!({
        "active": true, "client_id": "app1", "token_type": "Bearer",
        "sub": "alice", "exp": 4102444800_u64
    });
    assert_eq!(serde_json::Value::Object(members), expected);
}

#[tokio::test]
async fn a_refresh_token_is_active_without_a_token_type() {
    let (_, app, _) = app();
    let members = introspect_as("app1", "token=RT1")
        .send(&app)
        .await
        .assert_active();
    let expected = json!({"active": true, "client_id": "app1", "sub": "alice"});
    assert_eq!(serde_json::Value::Object(members), expected);
}

#[tokio::test]
async fn unknown_and_expired_tokens_are_exactly_inactive() {
    let (_, app, _) = app();
    for token in ["nope", "old", "AT1x"] {
        let reply = introspect_as("app1", &format!("token={token}"))
            .send(&app)
            .await;
        reply.assert_inactive();
    }
}

#[tokio::test]
async fn another_clients_token_is_inactive_by_default() {
    let (store, app, _) = app();
    let reply = introspect_as("app2", "token=AT1").send(&app).await;
    reply.assert_inactive();
    reply.assert_hides(&["alice", "app1"]);
    assert!(store.is_active("AT1"), "introspection changes nothing");
}

#[tokio::test]
async fn a_resource_server_sees_every_clients_tokens() {
    let (_, app, _) = app();
    for (token, client) in [("AT1", "app1"), ("OT1", "app2"), ("PAT1", "pub1")] {
        let members = introspect_as("rs1", &format!("token={token}"))
            .send(&app)
            .await
            .assert_active();
        assert_eq!(members["client_id"], client, "{token}");
    }
    introspect_as("rs1", "token=old")
        .send(&app)
        .await
        .assert_inactive();
}

#[tokio::test]
async fn without_resource_servers_nobody_sees_another_clients_token() {
    let store = store();
    let plain = tower_revoke::IntrospectionEndpointLayer::new(store.clone());
    let (app, _) = app_with(store, plain);
    introspect_as("rs1", "token=AT1")
        .send(&app)
        .await
        .assert_inactive();
}

#[tokio::test]
async fn the_hint_is_advice_only() {
    let (_, app, _) = app();
    for hint in ["refresh_token", "access_token", "id_token"] {
        let body = format!("token=AT1&token_type_hint={hint}");
        introspect_as("app1", &body)
            .send(&app)
            .await
            .assert_active();
    }
}

#[tokio::test]
async fn a_custom_path_is_honoured() {
    let store = store();
    let (app, _) = app_with(store.clone(), layer(store).path("/oauth/introspect"));
    let reply = form("/oauth/introspect", "token=AT1").basic("app1", "s3cr3t");
    reply.send(&app).await.assert_active();
}

/// A store whose introspection fails and whose clients authenticate.
#[derive(Clone)]
struct IntrospectionDown(MemoryStore);

impl RevocationStore for IntrospectionDown {
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.0.authenticate_client(credentials).await
    }

    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        self.0.revoke(client, request).await
    }
}

impl IntrospectionStore for IntrospectionDown {
    async fn introspect(&self, _: &Token) -> Result<Option<ActiveToken>, StoreError> {
        Err(StoreError::new("the token store is down"))
    }
}

#[tokio::test]
async fn a_store_error_is_temporarily_unavailable_with_retry_after() {
    let store = IntrospectionDown(store());
    let (app, _) = app_with(store.clone(), layer(store.clone()));
    introspect_as("app1", "token=AT1")
        .send(&app)
        .await
        .assert_unavailable("5");
    let slower = layer(store.clone()).retry_after(Duration::from_millis(1500));
    let (app, _) = app_with(store, slower);
    introspect_as("app1", "token=AT1")
        .send(&app)
        .await
        .assert_unavailable("2");
}
