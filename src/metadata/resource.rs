//! [`ProtectedResourceMetadata`]: RFC 9728 metadata of a resource server,
//! which tells a client (an MCP client, say) which authorization servers
//! issue the tokens the resource accepts.

use super::{split_identifier, MetadataService};
use serde_json::{Map, Value};

/// The RFC 9728 §2 metadata of a protected resource identified by its
/// `resource` URL, served at
/// [`well_known_path`](Self::well_known_path) (§3) and named by the
/// guard's challenge (`BearerAuthLayer::resource_metadata`, §5.1).
///
/// [`new`](Self::new) sets `resource` and `bearer_methods_supported:
/// ["header"]` (the guard takes tokens from the `Authorization` header
/// only, RFC 6750 §2.1); add `authorization_servers` and any other member
/// with the builder methods, in any order. A member set again replaces the
/// earlier value.
///
/// # Example
/// ```
/// use tower_revoke::metadata::ProtectedResourceMetadata;
///
/// let metadata = ProtectedResourceMetadata::new("https://api.example/mcp")
///     .authorization_servers(["https://as.example"])
///     .scopes_supported(["read", "write"]);
/// assert_eq!(metadata.well_known_path(), "/.well-known/oauth-protected-resource/mcp");
/// assert_eq!(
///     metadata.metadata_url(),
///     "https://api.example/.well-known/oauth-protected-resource/mcp"
/// );
/// assert_eq!(metadata.to_json()["authorization_servers"], serde_json::json!(["https://as.example"]));
/// assert_eq!(metadata.to_json()["bearer_methods_supported"], serde_json::json!(["header"]));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ProtectedResourceMetadata {
    resource: Box<str>,
    origin: Box<str>,
    resource_path: Box<str>,
    members: Map<String, Value>,
}

impl ProtectedResourceMetadata {
    /// The RFC 9728 §3 well-known path for a resource without a path.
    pub const WELL_KNOWN_PATH: &'static str = "/.well-known/oauth-protected-resource";

    /// Metadata of the resource `resource`: an `https` (or, for
    /// development, `http`) URL with no query or fragment (RFC 9728 §1.2).
    ///
    /// # Panics
    /// When `resource` is not such a URL.
    pub fn new(resource: &str) -> Self {
        let Some((origin, resource_path)) = split_identifier(resource) else {
            panic!(
                "ProtectedResourceMetadata::new: resource {resource:?} must be an https or http \\
                 URL without query or fragment (RFC 9728 §1.2)"
            )
        };
        let mut members = Map::new();
        members.insert(
            "bearer_methods_supported".into(),
            Value::from(["header"].to_vec()),
        );
        Self {
            resource: resource.into(),
            origin,
            resource_path,
            members,
        }
    }

    /// `authorization_servers`: the issuer identifiers (RFC 8414 §2) of
    /// the authorization servers whose tokens the resource accepts.
    pub fn authorization_servers<'a>(self, issuers: impl IntoIterator<Item = &'a str>) -> Self {
        let issuers: Vec<Value> = issuers.into_iter().map(Value::from).collect();
        self.member("authorization_servers", issuers)
    }

    /// `scopes_supported`: the scope values the resource understands
    /// (RFC 6749 §3.3).
    pub fn scopes_supported<'a>(self, scopes: impl IntoIterator<Item = &'a str>) -> Self {
        let scopes: Vec<Value> = scopes.into_iter().map(Value::from).collect();
        self.member("scopes_supported", scopes)
    }

    /// Sets any other member, such as `resource_name` or `jwks_uri`.
    ///
    /// # Panics
    /// For `resource`, which only [`new`](Self::new) sets (§3.3: it must be
    /// the identifier the well-known URL was made from).
    pub fn member(mut self, name: &str, value: impl Into<Value>) -> Self {
        assert!(
            name != "resource",
            "ProtectedResourceMetadata::member: the resource is set by ProtectedResourceMetadata::new"
        );
        self.members.insert(name.to_owned(), value.into());
        self
    }

    /// The `resource`, as given.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The whole document: `resource` and every member.
    pub fn to_json(&self) -> Value {
        super::document(&self.members, "resource", &self.resource)
    }

    /// Where the document is served (RFC 9728 §3.1): the well-known path,
    /// followed by the resource's path when it has one
    /// (`https://api.example/mcp` gives
    /// `/.well-known/oauth-protected-resource/mcp`).
    pub fn well_known_path(&self) -> String {
        format!("{}{}", Self::WELL_KNOWN_PATH, self.resource_path)
    }

    /// The document's URL, for the `resource_metadata` parameter of the
    /// guard's challenge (RFC 9728 §5.1).
    pub fn metadata_url(&self) -> String {
        format!("{}{}", self.origin, self.well_known_path())
    }

    /// A service answering `GET` and `HEAD` with the document as
    /// `application/json` (RFC 9728 §3.2) and 405 otherwise, whatever the
    /// path: mount it at [`well_known_path`](Self::well_known_path).
    pub fn service(&self) -> MetadataService {
        MetadataService::of(&self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_well_known_url_inserts_the_path_after_the_host() {
        let metadata = ProtectedResourceMetadata::new("http://127.0.0.1:4000");
        assert_eq!(
            metadata.well_known_path(),
            ProtectedResourceMetadata::WELL_KNOWN_PATH
        );
        assert_eq!(
            metadata.metadata_url(),
            "http://127.0.0.1:4000/.well-known/oauth-protected-resource"
        );
        assert_eq!(metadata.to_json()["resource"], "http://127.0.0.1:4000");
        for bad in [
            "https://api.example/#x",
            "https://api.example/?a=1",
            "ftp://x",
            "api",
        ] {
            let made = std::panic::catch_unwind(|| ProtectedResourceMetadata::new(bad));
            assert!(made.is_err(), "{bad}");
        }
    }
}
