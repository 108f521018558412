//! [`RevocationEndpointLayer`]: the endpoint's configuration and builder.

use super::RevocationEndpoint;
use crate::audit::Hook;
use crate::audit::RevocationEvents;
use crate::client::{ClientAuthMethod, ClientId};
use crate::cors::CorsPolicy;
use crate::request::RequestReader;
use crate::response::Realm;
use crate::revocation::{
    OtherClientToken, RevocationResponder, RevokedResponse, UnknownTokenResponse,
};
use crate::store::RevocationStore;
use bytes::Bytes;
use http::header::{HeaderValue, ORIGIN};
use http::request::Parts;
use http::Response;
use http_body_util::Full;
use std::sync::Arc;
use std::time::Duration;
use tower_layer::Layer;

/// Everything the endpoint needs besides the store, shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct EndpointConfig {
    pub(crate) path: Box<str>,
    pub(crate) reader: RequestReader,
    pub(crate) responder: RevocationResponder,
    pub(crate) cors: Option<CorsPolicy>,
    pub(crate) events: Hook,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            path: "/revoke".into(),
            reader: RequestReader::default(),
            responder: RevocationResponder::default(),
            cors: None,
            events: Hook::default(),
        }
    }
}

impl EndpointConfig {
    /// The CORS headers of an answer (when CORS is on), and no content for
    /// `HEAD`.
    pub(crate) fn finish(
        &self,
        parts: &Parts,
        mut response: Response<Full<Bytes>>,
        client: Option<&ClientId>,
    ) -> Response<Full<Bytes>> {
        if let Some(cors) = &self.cors {
            let origin = parts.headers.get(ORIGIN);
            cors.decorate(response.headers_mut(), origin, client);
        }
        crate::response::for_method(response, &parts.method)
    }

    /// The headers a preflight may ask for: what the reader reads.
    pub(crate) fn cors_request_headers(&self) -> HeaderValue {
        let mut names = vec!["authorization", "content-type"];
        let app_key = &self.reader.app_key_headers;
        if self
            .reader
            .methods
            .contains(ClientAuthMethod::AppKeyHeaders)
        {
            names.extend([app_key.client_id.as_str(), app_key.client_secret.as_str()]);
        }
        HeaderValue::from_str(&names.join(", ")).expect("header names are a valid value")
    }
}

/// Mounts an RFC 7009 revocation endpoint in front of a service.
///
/// `POST` requests to [`path`](Self::path) are answered by the endpoint with
/// `store`; every other request goes to the wrapped service untouched.
/// Each option is one builder method, set in any order: [`path`](Self::path),
/// [`reader`](Self::reader) (how requests are read and clients
/// authenticated), how outcomes are answered
/// ([`other_client_token`](Self::other_client_token),
/// [`revoked_response`](Self::revoked_response),
/// [`unknown_token_response`](Self::unknown_token_response)),
/// [`realm`](Self::realm), [`retry_after`](Self::retry_after),
/// [`cors`](Self::cors) and [`events`](Self::events). The defaults follow
/// RFC 7009 and RFC 6749.
///
/// See the [module docs](crate::revocation) for the behaviour and an example.
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

    /// How a token issued to another client is answered. Default
    /// [`OtherClientToken::InvalidGrantForConfidential`].
    #[must_use]
    pub fn other_client_token(self, policy: OtherClientToken) -> Self {
        self.answer(|responder| responder.other_client_token(policy))
    }

    /// How a revoked token is answered (RFC 7009 §2.2). Default
    /// [`RevokedResponse::JsonObject`].
    #[must_use]
    pub fn revoked_response(self, response: RevokedResponse) -> Self {
        self.answer(|responder| responder.revoked_response(response))
    }

    /// How an unknown, expired or already revoked token is answered
    /// (RFC 7009 §2.2). Default [`UnknownTokenResponse::LikeRevoked`].
    #[must_use]
    pub fn unknown_token_response(self, response: UnknownTokenResponse) -> Self {
        self.answer(|responder| responder.unknown_token_response(response))
    }

    /// The realm of the `WWW-Authenticate: Basic` challenges. Default
    /// `"tower-revoke"`.
    #[must_use]
    pub fn realm(self, realm: Realm) -> Self {
        self.answer(|responder| responder.realm(realm))
    }

    /// The `Retry-After` sent with 503 `temporarily_unavailable` when the
    /// store fails, in whole seconds (a fraction is rounded up). Default
    /// 5 s.
    #[must_use]
    pub fn retry_after(self, delay: Duration) -> Self {
        self.answer(|responder| responder.retry_after(delay))
    }

    fn answer(mut self, set: impl FnOnce(RevocationResponder) -> RevocationResponder) -> Self {
        let responder = set(self.config.responder.clone());
        self.config_mut().responder = responder;
        self
    }

    /// Turns CORS on for the endpoint, per client (see [`CorsPolicy`]):
    /// preflights on the path are answered here, and answers carry the
    /// grant for the origins the client may call from. Default off: a
    /// preflight gets 405 like any other method.
    #[must_use]
    pub fn cors(mut self, policy: CorsPolicy) -> Self {
        self.config_mut().cors = Some(policy);
        self
    }

    /// A hook called once per revocation request with its
    /// [`RevocationEvent`](crate::audit::RevocationEvent) (see
    /// [`audit`](crate::audit)). Whatever the hook, every request also
    /// emits the `tower_revoke::audit` tracing event.
    #[must_use]
    pub fn events(mut self, events: impl RevocationEvents) -> Self {
        self.config_mut().events = Hook::new(events);
        self
    }
}

impl<S, St> Layer<S> for RevocationEndpointLayer<St> {
    type Service = RevocationEndpoint<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        RevocationEndpoint::from_parts(inner, Arc::clone(&self.store), Arc::clone(&self.config))
    }
}
