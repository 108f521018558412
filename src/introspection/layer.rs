//! [`IntrospectionEndpointLayer`]: the endpoint's configuration and builder.

use super::IntrospectionEndpoint;
use crate::client::{ClientAuthMethod, ClientId};
use crate::request::RequestReader;
use crate::response::Realm;
use crate::revocation::RevocationResponder;
use crate::store::{ActiveToken, AuthenticatedClient, IntrospectionStore, RevocationStore};
use std::sync::Arc;
use std::time::Duration;
use tower_layer::Layer;

/// Everything the endpoint needs besides the store, shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct IntrospectionConfig {
    pub(crate) path: Box<str>,
    pub(crate) reader: RequestReader,
    /// Clients that may introspect any token, not only their own.
    pub(crate) resource_servers: Box<[ClientId]>,
    /// Client authentication and 503 answers, shared with the revocation
    /// endpoint's responder.
    pub(crate) responder: RevocationResponder,
}

impl Default for IntrospectionConfig {
    fn default() -> Self {
        Self {
            path: "/introspect".into(),
            reader: confidential_only(RequestReader::default()),
            resource_servers: Box::default(),
            responder: RevocationResponder::default(),
        }
    }
}

impl IntrospectionConfig {
    /// Whether `client` may learn about `token` (RFC 7662 §4: "the
    /// authorization server MUST determine whether or not the token can be
    /// used at the protected resource making the introspection call").
    pub(crate) fn may_see(&self, client: &AuthenticatedClient, token: &ActiveToken) -> bool {
        *token.client_id() == client.client_id || self.resource_servers.contains(&client.client_id)
    }
}

/// `reader` without `none`: the introspection endpoint serves confidential
/// clients only (RFC 7662 §2.1).
fn confidential_only(reader: RequestReader) -> RequestReader {
    let methods = reader.methods.without(ClientAuthMethod::None);
    reader.client_auth_methods(methods)
}

/// Mounts an RFC 7662 token introspection endpoint in front of a service.
///
/// `POST` requests to [`path`](Self::path) (default `/introspect`) are
/// answered by the endpoint with `store`; every other request goes to the
/// wrapped service untouched. Builder methods, each setting its own
/// option, in any order: [`path`](Self::path), [`reader`](Self::reader),
/// [`resource_servers`](Self::resource_servers),
/// [`retry_after`](Self::retry_after).
///
/// See the [module docs](crate::introspection) for the behaviour and an
/// example.
#[derive(Debug)]
pub struct IntrospectionEndpointLayer<St> {
    store: Arc<St>,
    config: Arc<IntrospectionConfig>,
}

impl<St> Clone for IntrospectionEndpointLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<St: RevocationStore + IntrospectionStore> IntrospectionEndpointLayer<St> {
    /// An endpoint at `/introspect` backed by `store` (which may be an `Arc`
    /// of a store shared with the rest of the app): clients are
    /// authenticated by [`RevocationStore::authenticate_client`], tokens
    /// looked up by [`IntrospectionStore::introspect`]. Requests are read
    /// with [`RequestReader::default`] less `none`.
    pub fn new(store: St) -> Self {
        Self {
            store: Arc::new(store),
            config: Arc::new(IntrospectionConfig::default()),
        }
    }
}

impl<St> IntrospectionEndpointLayer<St> {
    fn config_mut(&mut self) -> &mut IntrospectionConfig {
        Arc::make_mut(&mut self.config)
    }

    /// The request path the endpoint answers, matched exactly. Default
    /// `/introspect`.
    ///
    /// # Panics
    /// If `path` does not start with `/`.
    #[must_use]
    pub fn path(mut self, path: &str) -> Self {
        assert!(
            path.starts_with('/'),
            "IntrospectionEndpointLayer::path: {path:?} must start with '/'"
        );
        self.config_mut().path = path.into();
        self
    }

    /// How requests are read and clients authenticated: token parameter,
    /// body limit, client authentication methods, Basic decoding, app-key
    /// headers, realm. The same [`RequestReader`] as the revocation
    /// endpoint's may be given: `none` is removed from its methods, since
    /// only confidential clients may introspect (RFC 7662 §2.1). Default
    /// [`RequestReader::default`] less `none`.
    ///
    /// # Panics
    /// When the reader reads JSON bodies (RFC 7662 §2.1 requests are
    /// `application/x-www-form-urlencoded`), or accepts no method but
    /// `none`.
    #[must_use]
    pub fn reader(mut self, reader: RequestReader) -> Self {
        assert!(
            !reader.accepts_json(),
            "IntrospectionEndpointLayer::reader: body_encoding(Json) is not accepted: \
             RFC 7662 §2.1 introspection requests are application/x-www-form-urlencoded"
        );
        reader.assert_consistent();
        let reader = confidential_only(reader);
        assert!(
            reader.methods.iter().next().is_some(),
            "IntrospectionEndpointLayer::reader: client_auth_methods accepts only `none`, \
             but the introspection endpoint serves confidential clients only (RFC 7662 §2.1)"
        );
        self.config_mut().reader = reader;
        self
    }

    /// Clients that may introspect every token, such as the resource
    /// servers of the app (RFC 7662 §2.1). Any other client learns only
    /// about tokens issued to itself; another client's token is answered
    /// `{"active":false}`. Default: none. Replaces an earlier list.
    ///
    /// # Panics
    /// If an id is not a valid [`ClientId`] (empty, or with control
    /// characters).
    #[must_use]
    pub fn resource_servers<I>(mut self, client_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let ids = client_ids.into_iter().map(|id| {
            let id = id.as_ref();
            ClientId::new(id).unwrap_or_else(|e| {
                panic!(
                    "IntrospectionEndpointLayer::resource_servers: {id:?} is not a client id: {e}"
                )
            })
        });
        self.config_mut().resource_servers = ids.collect();
        self
    }

    /// The realm of the `WWW-Authenticate: Basic` challenges. Default
    /// `"tower-revoke"`.
    #[must_use]
    pub fn realm(mut self, realm: Realm) -> Self {
        let responder = self.config.responder.clone().realm(realm);
        self.config_mut().responder = responder;
        self
    }

    /// The `Retry-After` sent with 503 `temporarily_unavailable` when the
    /// store fails, in whole seconds (a fraction is rounded up). Default
    /// 5 s.
    #[must_use]
    pub fn retry_after(mut self, delay: Duration) -> Self {
        let responder = self.config.responder.clone().retry_after(delay);
        self.config_mut().responder = responder;
        self
    }

    /// The path the endpoint answers (for RFC 8414 metadata).
    pub(crate) fn endpoint_path(&self) -> &str {
        &self.config.path
    }

    /// The reader the endpoint reads with (for RFC 8414 metadata).
    pub(crate) fn request_reader(&self) -> &RequestReader {
        &self.config.reader
    }
}

impl<S, St> Layer<S> for IntrospectionEndpointLayer<St> {
    type Service = IntrospectionEndpoint<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        IntrospectionEndpoint::from_parts(inner, Arc::clone(&self.store), Arc::clone(&self.config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientAuthMethods;
    use crate::request::BodyEncoding;
    use crate::store::MemoryStore;

    fn layer() -> IntrospectionEndpointLayer<MemoryStore> {
        IntrospectionEndpointLayer::new(MemoryStore::new())
    }

    #[test]
    fn none_is_never_accepted() {
        assert_eq!(
            layer().request_reader().client_auth_methods_supported(),
            ["client_secret_basic", "client_secret_post"]
        );
        let shared = layer().reader(RequestReader::default());
        let methods = shared.request_reader().client_auth_methods_supported();
        assert_eq!(methods, ["client_secret_basic", "client_secret_post"]);
    }

    #[test]
    #[should_panic(expected = "body_encoding(Json) is not accepted")]
    fn a_json_reader_panics() {
        let json = RequestReader::default()
            .body_encoding(BodyEncoding::Json)
            .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic));
        let _ = layer().reader(json);
    }

    #[test]
    #[should_panic(expected = "accepts only `none`")]
    fn a_public_only_reader_panics() {
        let public = ClientAuthMethods::only(ClientAuthMethod::None);
        let _ = layer().reader(RequestReader::default().client_auth_methods(public));
    }

    #[test]
    #[should_panic(expected = "is not a client id")]
    fn an_empty_resource_server_id_panics() {
        let _ = layer().resource_servers([""]);
    }
}
