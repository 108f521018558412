//! [`RevocationEndpointLayer`]: the endpoint's configuration and builder.

use super::RevocationEndpoint;
use crate::{RequestReader, RevocationResponder, RevocationStore};
use std::sync::Arc;
use tower_layer::Layer;

/// Everything the endpoint needs besides the store, shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct EndpointConfig {
    pub(crate) path: Box<str>,
    pub(crate) reader: RequestReader,
    pub(crate) responder: RevocationResponder,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            path: "/revoke".into(),
            reader: RequestReader::default(),
            responder: RevocationResponder::default(),
        }
    }
}

/// Mounts an RFC 7009 revocation endpoint in front of a service.
///
/// `POST` requests to [`path`](Self::path) are answered by the endpoint with
/// `store`; every other request goes to the wrapped service untouched.
/// Three builder methods, each setting its own options, in any order:
/// [`path`](Self::path), [`reader`](Self::reader) (how requests are read and
/// clients authenticated) and [`responder`](Self::responder) (how outcomes
/// are answered). The defaults follow RFC 7009 and RFC 6749.
///
/// See the [module docs](crate::endpoint) for the behaviour and an example.
#[derive(Debug)]
pub struct RevocationEndpointLayer<St> {
    store: Arc<St>,
    config: Arc<EndpointConfig>,
}

impl<St> Clone for RevocationEndpointLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<St: RevocationStore> RevocationEndpointLayer<St> {
    /// An endpoint at `/revoke` backed by `store` (which may be an `Arc` of
    /// a store shared with the rest of the app), reading requests with
    /// [`RequestReader::default`] and answering with
    /// [`RevocationResponder::default`].
    pub fn new(store: St) -> Self {
        Self {
            store: Arc::new(store),
            config: Arc::new(EndpointConfig::default()),
        }
    }
}

impl<St> RevocationEndpointLayer<St> {
    fn config_mut(&mut self) -> &mut EndpointConfig {
        Arc::make_mut(&mut self.config)
    }

    /// The request path the endpoint answers, matched exactly (no prefix,
    /// no trailing-slash folding). Default `/revoke`.
    ///
    /// # Panics
    /// If `path` does not start with `/`: a request path always does, so
    /// such an endpoint would never answer.
    #[must_use]
    pub fn path(mut self, path: &str) -> Self {
        assert!(
            path.starts_with('/'),
            "RevocationEndpointLayer::path: {path:?} must start with '/'"
        );
        self.config_mut().path = path.into();
        self
    }

    /// How requests are read: media type, token parameter, body limit,
    /// client authentication methods, Basic decoding, app-key headers and
    /// realm. Default [`RequestReader::default`].
    ///
    /// # Panics
    /// On a combination that could never authenticate a client: a JSON
    /// body with `client_secret_post` or `none` accepted.
    #[must_use]
    pub fn reader(mut self, reader: RequestReader) -> Self {
        reader.assert_consistent();
        self.config_mut().reader = reader;
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

    /// How outcomes are answered: revoked and unknown tokens, another
    /// client's token, and `Retry-After` on 503. Default
    /// [`RevocationResponder::default`].
    #[must_use]
    pub fn responder(mut self, responder: RevocationResponder) -> Self {
        self.config_mut().responder = responder;
        self
    }
}

impl<S, St> Layer<S> for RevocationEndpointLayer<St> {
    type Service = RevocationEndpoint<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        RevocationEndpoint::from_parts(inner, Arc::clone(&self.store), Arc::clone(&self.config))
    }
}
