//! The endpoint under test, the store behind it and the model beside it:
//! built from the input's configuration, then driven one request at a
//! time, each answer and the store after it checked.

use crate::body::FuzzBody;
use crate::input::{Config, Earlier};
use crate::model::{self, store_active, Model};
use crate::request::Exchange;
use crate::seed::{PATH, SEED};
use crate::service::{call, Inner};
use http::Request;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower_layer::Layer;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{AppKeyHeaders, BasicDecoding, BodyEncoding, RequestReader};
use tower_revoke::revocation::{
    OtherClientToken, RevocationEndpoint, RevokedResponse, UnknownTokenResponse,
};
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

/// The endpoint under test, the store behind it and the model beside it.
pub struct Harness {
    pub(crate) service: RevocationEndpoint<Inner, Arc<MemoryStore>>,
    pub(crate) calls: Arc<AtomicUsize>,
    pub(crate) store: MemoryStore,
    pub(crate) model: Model,
    pub(crate) reader: RequestReader,
    pub(crate) other_client: OtherClientToken,
    pub(crate) max_body_size: usize,
    /// The status of a revocation, and of an unknown token.
    pub(crate) revoked: u16,
    pub(crate) unknown: u16,
}

impl Harness {
    /// The endpoint as `config` sets it up, over a store loaded from the
    /// seed, with a fresh model.
    pub fn new(config: &Config) -> Self {
        let c = config;
        // The methods: the RFC set or Basic alone, plus the app-key headers
        // when asked (`app_key_headers` only names the headers). A JSON body
        // carries no credentials, and `reader` refuses a JSON reader that
        // accepts `client_secret_post` or `none`: they are dropped.
        let mut methods = if c.only_basic {
            ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic)
        } else {
            ClientAuthMethods::default()
        };
        if c.app_key {
            methods = methods.with(ClientAuthMethod::AppKeyHeaders);
        }
        if c.json {
            methods = methods
                .without(ClientAuthMethod::ClientSecretPost)
                .without(ClientAuthMethod::None);
        }
        let max_body_size = c.max_body_size.map_or(16 * 1024, usize::from);
        let reader = RequestReader::default()
            .body_encoding(if c.json {
                BodyEncoding::Json
            } else {
                BodyEncoding::Form
            })
            .basic_decoding(match c.basic_decoding % 3 {
                0 => BasicDecoding::FormUrlEncoded,
                1 => BasicDecoding::Raw,
                _ => BasicDecoding::Lenient,
            })
            .client_auth_methods(methods)
            .app_key_headers(AppKeyHeaders::default())
            .max_body_size(max_body_size);
        let other_client = match c.other_client % 3 {
            0 => OtherClientToken::InvalidGrantForConfidential,
            1 => OtherClientToken::LikeUnknown,
            _ => OtherClientToken::InvalidGrant,
        };
        let store = MemoryStore::from_seed_json(SEED)
            .expect("seed loads")
            .access_token_revokes_grant(c.access_token_revokes_grant);
        // An `Arc` of the store: the endpoint shares it with the checks.
        let layer = RevocationEndpointLayer::new(Arc::new(store.clone()))
            .path(PATH)
            .reader(reader.clone())
            .other_client_token(other_client)
            .revoked_response(if c.no_content {
                RevokedResponse::NoContent
            } else {
                RevokedResponse::JsonObject
            })
            .unknown_token_response(if c.not_found {
                UnknownTokenResponse::NotFound
            } else {
                UnknownTokenResponse::LikeRevoked
            });
        let calls = Arc::new(AtomicUsize::new(0));
        let revoked = if c.no_content { 204 } else { 200 };
        Self {
            service: layer.layer(Inner(Arc::clone(&calls))),
            calls,
            store,
            model: Model::new(c.access_token_revokes_grant),
            reader,
            other_client,
            max_body_size,
            revoked,
            unknown: if c.not_found { 404 } else { revoked },
        }
    }

    /// An earlier revocation, checked against the model: straight through
    /// the store (the exact outcome, cascade count included), or as a
    /// well-formed request to the endpoint (`json`: with a JSON body).
    pub fn earlier(&mut self, step: &Earlier, json: bool) {
        match Exchange::earlier(step, json) {
            Some(exchange) => self.exchange(exchange),
            None => self.check_store_revoke(step.client().0, step.token()),
        }
    }

    /// Sends one request through the endpoint and checks the answer and the
    /// store against the model.
    pub fn exchange(&mut self, exchange: Exchange) {
        let Exchange {
            method,
            uri,
            headers,
            body,
            chunks,
            exact_size_hint,
            fail_at_end,
            trailers,
        } = exchange;
        let fuzz_body = FuzzBody::new(&body, &chunks, trailers, exact_size_hint, fail_at_end);
        let largest_chunk = fuzz_body.largest_chunk();
        let polled = fuzz_body.polled();
        let mut builder = Request::builder().method(method.clone()).uri(uri.clone());
        *builder.headers_mut().unwrap() = headers.clone();
        let request = builder.body(fuzz_body).unwrap();
        let mut parts = Request::builder()
            .method(method.clone())
            .uri(uri.clone())
            .body(())
            .unwrap()
            .into_parts()
            .0;
        parts.headers = headers.clone();
        let calls_before = self.calls.load(Ordering::Relaxed);

        // Call the endpoint.
        let before = store_active(&self.store);
        assert_eq!(before, self.model.active(), "the model before the request");
        let answer = call(&mut self.service, request);
        let after = store_active(&self.store);

        if uri.path() != PATH {
            self.check_passthrough(&answer, calls_before, &before, &after);
            return;
        }
        self.check_endpoint_answer(&parts, &answer, calls_before, &after);
        let polled = polled.load(Ordering::Relaxed);
        assert!(
            polled <= self.max_body_size + largest_chunk,
            "read {polled} bytes past the {}-byte limit",
            self.max_body_size
        );

        // What the request says, read by the public parser.
        let readable =
            method == http::Method::POST && body.len() <= self.max_body_size && !fail_at_end;
        let revocation = self
            .reader
            .read_client_revocation(&parts, &body)
            .ok()
            .filter(|_| readable);
        let client = revocation
            .as_ref()
            .and_then(|r| model::authenticate(&r.credentials));
        self.check_soundness(revocation.as_ref(), client, answer.status, &before, &after);
        self.check_completeness(revocation.as_ref(), client, answer.status, &before, &after);
    }

    /// How many times the inner service was called since it was `before`.
    pub(crate) fn calls_since(&self, before: usize) -> usize {
        self.calls.load(Ordering::Relaxed) - before
    }
}
