//! Only confidential clients may introspect (RFC 7662 §2.1): no
//! credentials, bad credentials and public clients get 401 `invalid_client`
//! with the `Basic` challenge (RFC 7662 §4 refers to RFC 6749 §5.2).

use crate::fixture::{app, app_with, introspect, introspect_as, layer, store};
use crate::support::{challenge, desc};
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::RequestReader;

#[tokio::test]
async fn client_secret_basic_and_client_secret_post_authenticate() {
    let (_, app, _) = app();
    introspect_as("app1", "token=AT1")
        .send(&app)
        .await
        .assert_active();
    let post = introspect("token=AT1&client_id=app1&client_secret=s3cr3t");
    post.send(&app).await.assert_active();
}

#[tokio::test]
async fn a_request_without_credentials_is_challenged() {
    let (_, app, _) = app();
    let reply = introspect("token=AT1").send(&app).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
}

#[tokio::test]
async fn unknown_client_and_wrong_secret_get_byte_identical_responses() {
    let (_, app, _) = app();
    let unknown = introspect("token=AT1").basic("nobody", "s3cr3t");
    let wrong = introspect("token=AT1").basic("app1", "wrong");
    let (unknown, wrong) = (unknown.send(&app).await, wrong.send(&app).await);
    assert_eq!(unknown, wrong);
    wrong.assert_auth_failed();
    wrong.assert_hides(&["AT1", "wrong", "nobody"]);
}

#[tokio::test]
async fn a_public_client_is_refused_with_the_basic_challenge() {
    let (_, app, _) = app();
    // Its own token: a public client cannot introspect even that.
    let reply = introspect("token=PAT1&client_id=pub1").send(&app).await;
    reply.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
}

#[tokio::test]
async fn a_shared_reader_accepting_none_still_refuses_public_clients() {
    let store = store();
    let shared = RequestReader::default(); // client_secret_basic, client_secret_post, none
    let (app, _) = app_with(store.clone(), layer(store).reader(shared));
    let reply = introspect("token=PAT1&client_id=pub1").send(&app).await;
    reply.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
}

#[tokio::test]
async fn two_client_authentication_methods_are_invalid_request() {
    let (_, app, _) = app();
    let both = introspect("token=AT1&client_id=app1&client_secret=s3cr3t").basic("app1", "s3cr3t");
    both.send(&app)
        .await
        .assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn the_readers_methods_are_honoured() {
    let store = store();
    let basic_only = ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic);
    let reader = RequestReader::default().client_auth_methods(basic_only);
    let (app, _) = app_with(store.clone(), layer(store).reader(reader));
    let post = introspect("token=AT1&client_id=app1&client_secret=s3cr3t");
    let reply = post.send(&app).await;
    reply.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
    introspect_as("app1", "token=AT1")
        .send(&app)
        .await
        .assert_active();
}
