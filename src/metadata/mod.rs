//! RFC 8414 authorization server metadata for the endpoints this crate
//! serves: generated from the layers' own configuration, so the advertised
//! paths and client authentication methods never drift from the code.
//!
//! tower-revoke is not a whole authorization server, so
//! [`AuthorizationServerMetadata`] holds the members it owns
//! (`revocation_endpoint`, `revocation_endpoint_auth_methods_supported`,
//! `introspection_endpoint`, `introspection_endpoint_auth_methods_supported`,
//! RFC 8414 §2) beside the `issuer`. Either merge
//! [`members`](AuthorizationServerMetadata::members) into the metadata
//! document you already serve, or add the members you need with
//! [`member`](AuthorizationServerMetadata::member) and serve the whole
//! document with [`service`](AuthorizationServerMetadata::service) at
//! [`well_known_path`](AuthorizationServerMetadata::well_known_path)
//! (RFC 8414 §3).
//!
//! # Example
//! ```
//! use axum::Router;
//! use tower_revoke::{IntrospectionEndpointLayer, MemoryStore, RevocationEndpointLayer};
//! use tower_revoke::metadata::AuthorizationServerMetadata;
//!
//! let store = MemoryStore::new();
//! let revocation = RevocationEndpointLayer::new(store.clone()).path("/oauth/revoke");
//! let introspection = IntrospectionEndpointLayer::new(store).path("/oauth/introspect");
//! let metadata = AuthorizationServerMetadata::new("https://as.example.com")
//!     .revocation_endpoint(&revocation)
//!     .introspection_endpoint(&introspection)
//!     // RFC 8414 §2 requires it: this server has no authorization endpoint.
//!     .member("response_types_supported", serde_json::json!([]));
//! assert_eq!(
//!     metadata.to_json()["revocation_endpoint"],
//!     "https://as.example.com/oauth/revoke"
//! );
//! assert_eq!(
//!     metadata.to_json()["introspection_endpoint_auth_methods_supported"],
//!     serde_json::json!(["client_secret_basic", "client_secret_post"])
//! );
//!
//! let app: Router = Router::new()
//!     .route_service(&metadata.well_known_path(), metadata.service())
//!     .layer(revocation)
//!     .layer(introspection);
//! ```

mod resource;
mod service;

pub use resource::ProtectedResourceMetadata;
pub use service::MetadataService;

use crate::introspection::IntrospectionEndpointLayer;
use crate::request::RequestReader;
use crate::revocation::RevocationEndpointLayer;
use serde_json::{Map, Value};

/// The RFC 8414 §2 metadata of the endpoints this crate serves, for an
/// authorization server identified by its `issuer`.
///
/// Built with `#[must_use]` builder methods in any order; a member set
/// again replaces the earlier value. See the [module docs](crate::metadata).
#[derive(Debug, Clone)]
#[must_use]
pub struct AuthorizationServerMetadata {
    issuer: Box<str>,
    /// `scheme://authority` of the issuer, which endpoint URLs start with.
    origin: Box<str>,
    /// The issuer's path without a trailing `/` (empty for none).
    issuer_path: Box<str>,
    members: Map<String, Value>,
}

impl AuthorizationServerMetadata {
    /// The RFC 8414 §3 well-known path for an issuer without a path.
    pub const WELL_KNOWN_PATH: &'static str = "/.well-known/oauth-authorization-server";

    /// Metadata for the authorization server `issuer`: an `https` (or, for
    /// development, `http`) URL with no query or fragment (RFC 8414 §2).
    ///
    /// # Panics
    /// When `issuer` is not such a URL.
    pub fn new(issuer: impl Into<String>) -> Self {
        let issuer: String = issuer.into();
        let Some((origin, issuer_path)) = split_identifier(&issuer) else {
            panic!(
                "AuthorizationServerMetadata::new: issuer {issuer:?} must be an https or http URL \
                 without query or fragment (RFC 8414 §2)"
            )
        };
        Self {
            origin,
            issuer_path,
            issuer: issuer.into(),
            members: Map::new(),
        }
    }

    /// Adds `revocation_endpoint` (the issuer's scheme and host with the
    /// layer's [path](RevocationEndpointLayer::path)) and
    /// `revocation_endpoint_auth_methods_supported` (the methods its
    /// [reader](RevocationEndpointLayer::reader) accepts, see
    /// [`RequestReader::client_auth_methods_supported`]) (RFC 8414 §2,
    /// RFC 7009 §2), and, when it accepts `private_key_jwt`,
    /// `revocation_endpoint_auth_signing_alg_values_supported` (see
    /// [`RequestReader::client_auth_signing_algs_supported`]).
    ///
    /// If a proxy or `nest` puts the endpoint under a prefix the layer does
    /// not see, set `revocation_endpoint` afterwards with
    /// [`member`](Self::member).
    pub fn revocation_endpoint<St>(self, layer: &RevocationEndpointLayer<St>) -> Self {
        self.endpoint("revocation", layer.endpoint_path(), layer.request_reader())
    }

    /// Adds `introspection_endpoint` and
    /// `introspection_endpoint_auth_methods_supported` as
    /// [`revocation_endpoint`](Self::revocation_endpoint) does, for the
    /// RFC 7662 endpoint (never `none`, which it does not accept).
    pub fn introspection_endpoint<St>(self, layer: &IntrospectionEndpointLayer<St>) -> Self {
        self.endpoint(
            "introspection",
            layer.endpoint_path(),
            layer.request_reader(),
        )
    }

    /// Adds `status_list_aggregation_endpoint`
    /// (draft-ietf-oauth-status-list-20 §9.1, registered in §14.6): the
    /// absolute URL of the Status List Aggregation, served by the
    /// `status-list` feature's `StatusListAggregationService`.
    pub fn status_list_aggregation_endpoint(self, url: &str) -> Self {
        self.member("status_list_aggregation_endpoint", url)
    }

    fn endpoint(mut self, name: &str, path: &str, reader: &RequestReader) -> Self {
        let url = format!("{}{path}", self.origin);
        self.members.insert(format!("{name}_endpoint"), url.into());
        let methods = reader.client_auth_methods_supported();
        let key = format!("{name}_endpoint_auth_methods_supported");
        self.members.insert(key, methods.into());
        if let Some(algorithms) = reader.client_auth_signing_algs_supported() {
            let key = format!("{name}_endpoint_auth_signing_alg_values_supported");
            self.members.insert(key, algorithms.into());
        }
        self
    }

    /// Sets any other metadata member, such as `response_types_supported`
    /// (required by RFC 8414 §2 in a complete document) or
    /// `token_endpoint`.
    ///
    /// # Panics
    /// For `issuer`, which only [`new`](Self::new) sets.
    pub fn member(mut self, name: &str, value: impl Into<Value>) -> Self {
        assert!(
            name != "issuer",
            "AuthorizationServerMetadata::member: the issuer is set by AuthorizationServerMetadata::new"
        );
        self.members.insert(name.to_owned(), value.into());
        self
    }

    /// The `issuer`, as given.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Every member but `issuer`, to merge into a metadata document of
    /// your own.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// The whole document: `issuer` and every member.
    pub fn to_json(&self) -> Value {
        document(&self.members, "issuer", &self.issuer)
    }

    /// Where the document is served (RFC 8414 §3.1):
    /// `/.well-known/oauth-authorization-server`, followed by the issuer's
    /// path when it has one (`https://as.example/t1` gives
    /// `/.well-known/oauth-authorization-server/t1`).
    pub fn well_known_path(&self) -> String {
        format!("{}{}", Self::WELL_KNOWN_PATH, self.issuer_path)
    }

    /// A service answering `GET` (and `HEAD`) with the whole document as
    /// `application/json` (RFC 8414 §3.2), whatever the request path: mount
    /// it at [`well_known_path`](Self::well_known_path). Later changes to
    /// this value do not reach the service.
    pub fn service(&self) -> MetadataService {
        MetadataService::of(&self.to_json())
    }
}

/// `members` with the identifier member `name` = `identifier`.
fn document(members: &Map<String, Value>, name: &str, identifier: &str) -> Value {
    let mut document = members.clone();
    document.insert(name.to_owned(), Value::from(identifier));
    Value::Object(document)
}

/// The origin (`scheme://authority`) and the path without a trailing `/`
/// of an identifier URL: `https` (or `http`, for development) with an
/// authority and neither query nor fragment (RFC 8414 §2, RFC 9728 §1.2).
fn split_identifier(url: &str) -> Option<(Box<str>, Box<str>)> {
    let uri = url.parse::<http::Uri>().ok().filter(|uri| {
        matches!(uri.scheme_str(), Some("https" | "http"))
            && uri.authority().is_some()
            && !url.contains(['#', '?'])
    })?;
    let scheme = uri.scheme_str().unwrap_or_default();
    let authority = uri.authority().map_or("", |a| a.as_str());
    let origin = format!("{scheme}://{authority}").into();
    Some((origin, uri.path().trim_end_matches('/').into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientAuthMethod, ClientAuthMethods};
    use crate::request::AppKeyHeaders;
    use crate::store::MemoryStore;

    #[test]
    fn endpoint_urls_join_the_origin_and_the_layer_paths() {
        let store = MemoryStore::new();
        let metadata = AuthorizationServerMetadata::new("https://as.example/tenant/")
            .revocation_endpoint(&RevocationEndpointLayer::new(store.clone()))
            .introspection_endpoint(&IntrospectionEndpointLayer::new(store));
        let json = metadata.to_json();
        assert_eq!(json["issuer"], "https://as.example/tenant/");
        assert_eq!(json["revocation_endpoint"], "https://as.example/revoke");
        assert_eq!(
            json["introspection_endpoint"],
            "https://as.example/introspect"
        );
        assert_eq!(
            json["revocation_endpoint_auth_methods_supported"],
            serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
        );
        assert_eq!(
            metadata.well_known_path(),
            "/.well-known/oauth-authorization-server/tenant"
        );
        assert!(!metadata.members().contains_key("issuer"));
    }

    #[test]
    fn app_key_headers_are_never_advertised() {
        let methods = ClientAuthMethods::only(ClientAuthMethod::AppKeyHeaders);
        let reader = RequestReader::default()
            .client_auth_methods(methods)
            .app_key_headers(AppKeyHeaders::default());
        let layer = RevocationEndpointLayer::new(MemoryStore::new()).reader(reader);
        let metadata =
            AuthorizationServerMetadata::new("http://127.0.0.1:3000").revocation_endpoint(&layer);
        let methods = &metadata.members()["revocation_endpoint_auth_methods_supported"];
        assert_eq!(methods, &serde_json::json!([]));
        assert_eq!(
            metadata.well_known_path(),
            AuthorizationServerMetadata::WELL_KNOWN_PATH
        );
    }

    #[test]
    fn issuers_with_a_query_fragment_or_other_scheme_panic() {
        for issuer in [
            "https://as?x=1",
            "https://as#f",
            "ftp://as",
            "as.example",
            "",
        ] {
            let made = std::panic::catch_unwind(|| AuthorizationServerMetadata::new(issuer));
            assert!(made.is_err(), "{issuer}");
        }
    }
}
