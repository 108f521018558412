//! Seed documents: clients and tokens to load into a store, read from JSON
//! with serde and checked as a whole before any store sees them.

mod entry;
mod stream;

use entry::SCOPE;
pub use entry::{ClientEntry, TokenEntry};
pub(crate) use stream::for_each_token;
pub use stream::CheckedSeedFile;

use crate::client::{ClientId, ClientSecret};
use crate::request::Token;
use crate::store::{ClientKeys, InvalidKeys, TokenKind};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

const NON_EMPTY: &str = "expected a non-empty string";
const PRINTABLE: &str = "expected a non-empty string without control characters";

/// A checked seed document: the clients and tokens to put in a store.
///
/// The JSON form is an object with two optional arrays:
/// - `clients`: objects with `client_id` (required) and `client_secret`
///   (optional; without it the client is public and authenticates with
///   method `none`).
/// - `tokens`: objects with `token`, `type` (`"access_token"` or
///   `"refresh_token"`) and `client_id` (a client listed in `clients`), all
///   required; and optionally `grant_id`, `subject`, `scope` (scope-tokens
///   separated by single spaces, RFC 6749 §3.3: `"read write"`), `labels`
///   (an object of strings), `expires_at` (Unix seconds, a non-negative
///   integer) and `revocable` (`true` by default). See [`TokenEntry`] for
///   their meaning.
///
/// Strings are non-empty; ids and secrets have no control characters;
/// optional fields are left out, not `null`. Client ids and tokens appear
/// once each, and every token's client is listed.
///
/// # Example
/// ```
/// use tower_revoke::store::Seed;
///
/// let seed = Seed::from_json(r#"{
///     "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
///     "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1"}]
/// }"#)
/// .unwrap();
/// assert_eq!((seed.clients().len(), seed.tokens().len()), (1, 1));
///
/// let err = Seed::from_json(r#"{"tokens": [{"token": "t", "type": "id_token"}]}"#).unwrap_err();
/// assert_eq!(err.to_string(), r#"tokens[0].type: expected "access_token" or "refresh_token""#);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Seed {
    clients: Vec<ClientEntry>,
    tokens: Vec<TokenEntry>,
}

impl Seed {
    /// A seed of `clients` and `tokens` built in code, checked as a whole
    /// as [`from_json`](Self::from_json) checks a document: client ids and
    /// tokens appear once each, every token's client is among `clients`,
    /// and every token is well formed ([`TokenEntry::is_well_formed`]).
    ///
    /// # Errors
    /// A [`SeedError`] naming the first entry at fault by its index, as for
    /// a document: `clients[1].client_id: duplicate client id`,
    /// `tokens[0].client_id: unknown client "x"`, `tokens[2].token:
    /// duplicate token`, `tokens[0].subject: expected a non-empty string`.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::TokenKind;
    /// use tower_revoke::client::{ClientId, ClientSecret};
    /// use tower_revoke::request::Token;
    /// use tower_revoke::store::{ClientEntry, Seed, TokenEntry};
    ///
    /// let app1 = ClientId::new("app1").unwrap();
    /// let client = ClientEntry::new(app1.clone(), Some(ClientSecret::new("s3cr3t").unwrap()));
    /// let token = TokenEntry::new(Token::generate(), TokenKind::RefreshToken, app1)
    ///     .with_grant_id("G1")
    ///     .with_subject("alice");
    /// let seed = Seed::new([client], [token]).unwrap();
    /// assert_eq!((seed.clients().len(), seed.tokens().len()), (1, 1));
    ///
    /// let stranger = ClientId::new("app2").unwrap();
    /// let orphan = TokenEntry::new(Token::generate(), TokenKind::AccessToken, stranger);
    /// let err = Seed::new([], [orphan]).unwrap_err();
    /// assert_eq!(err.to_string(), r#"tokens[0].client_id: unknown client "app2""#);
    /// ```
    pub fn new(
        clients: impl IntoIterator<Item = ClientEntry>,
        tokens: impl IntoIterator<Item = TokenEntry>,
    ) -> Result<Self, SeedError> {
        let (clients, tokens): (Vec<_>, Vec<_>) =
            (clients.into_iter().collect(), tokens.into_iter().collect());
        let mut client_ids = HashSet::with_capacity(clients.len());
        for (i, client) in clients.iter().enumerate() {
            if !client_ids.insert(client.client_id.as_str()) {
                return Err(SeedError::duplicate_client(i));
            }
        }
        let mut seen_tokens = HashSet::with_capacity(tokens.len());
        for (i, token) in tokens.iter().enumerate() {
            if !client_ids.contains(token.client_id.as_str()) {
                return Err(SeedError::unknown_client(i, &token.client_id));
            }
            if !seen_tokens.insert(token.token.secret()) {
                let at = format!("tokens[{i}].token");
                return Err(SeedError::new(at, "duplicate token"));
            }
            check_token(i, token)?;
        }
        Ok(Self { clients, tokens })
    }

    /// Reads and checks a seed document.
    ///
    /// # Errors
    /// A [`SeedError`] naming the first entry and field at fault.
    pub fn from_json(json: &str) -> Result<Self, SeedError> {
        let document = &mut serde_json::Deserializer::from_str(json);
        let raw: RawSeed =
            serde_path_to_error::deserialize(document).map_err(SeedError::from_serde)?;
        raw.check()
    }

    /// Reads and checks the seed file at `path`.
    ///
    /// # Errors
    /// A [`SeedError`] starting with the path: the file cannot be read or is
    /// not UTF-8, or its content is refused as by [`from_json`](Self::from_json).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|err| SeedError::io(err).in_file(path))?;
        Self::from_json(&text).map_err(|error| error.in_file(path))
    }

    /// The clients, in document order.
    pub fn clients(&self) -> &[ClientEntry] {
        &self.clients
    }

    /// The tokens, in document order.
    pub fn tokens(&self) -> &[TokenEntry] {
        &self.tokens
    }
}

/// A seed document that could not be loaded.
///
/// `Display` says where and what, on one line:
/// `tokens[3].type: expected "access_token" or "refresh_token"`,
/// `clients[1].client_id: duplicate client id`,
/// `tokens[0].client_id: unknown client "x"`,
/// `tokens[0]: unknown field "colour"`,
/// `invalid JSON: EOF while parsing a list at line 4 column 0`,
/// `cannot read seed file seed.json: No such file or directory (os error 2)`.
/// Errors of [`Seed::from_file`] start with the file's path.
///
/// # Security
/// Neither `Display` nor `Debug` ever contains a token or a client secret:
/// a value that is refused is described, never quoted (a duplicate token is
/// `tokens[2].token: duplicate token`). Client ids and field names are
/// printed.
#[derive(Debug)]
pub struct SeedError {
    file: Option<PathBuf>,
    /// `tokens[3].type`; empty for the document itself.
    at: String,
    problem: String,
}

impl SeedError {
    fn new(at: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            file: None,
            at: at.into(),
            problem: problem.into(),
        }
    }

    fn io(error: std::io::Error) -> Self {
        Self::new("", format!("cannot read seed file: {error}"))
    }

    /// The same error, located in the seed file at `path`.
    fn in_file(mut self, path: &Path) -> Self {
        self.file = Some(path.to_owned());
        self
    }

    /// `clients[i]` repeats an earlier client's id.
    fn duplicate_client(i: usize) -> Self {
        Self::new(format!("clients[{i}].client_id"), "duplicate client id")
    }

    /// `tokens[i]` names a client the document does not list.
    fn unknown_client(i: usize, client_id: &ClientId) -> Self {
        let problem = format!("unknown client {:?}", client_id.as_str());
        Self::new(format!("tokens[{i}].client_id"), problem)
    }

    /// Locates serde's error, replacing serde's message (which may quote
    /// the refused value) by a description of what the field expects.
    fn from_serde(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let at = error.path().to_string();
        let inner = error.inner();
        if !inner.is_data() {
            return Self::new("", format!("invalid JSON: {inner}"));
        }
        let message = inner.to_string();
        let field = |prefix: &str| {
            let rest = message.strip_prefix(prefix)?;
            Some(rest[..rest.find('`')?].to_owned())
        };
        let at = if at == "." { String::new() } else { at };
        // The path of an unknown or repeated field ends with that field.
        let entry = |name: &str| {
            let parent = at
                .strip_suffix(name)
                .map(|p| p.strip_suffix('.').unwrap_or(p));
            parent.unwrap_or(&at).to_owned()
        };
        if let Some(name) = field("unknown field `") {
            Self::new(entry(&name), format!("unknown field {name:?}"))
        } else if let Some(name) = field("duplicate field `") {
            Self::new(entry(&name), format!("duplicate field {name:?}"))
        } else if let Some(name) = field("missing field `") {
            let at = if at.is_empty() {
                name
            } else {
                format!("{at}.{name}")
            };
            Self::new(at, "missing")
        } else {
            let problem = expected(&at);
            Self::new(at, problem)
        }
    }
}

/// What the field at `at` expects, from its last segment.
fn expected(at: &str) -> &'static str {
    let (parent, field) = at.rsplit_once('.').unwrap_or(("", at));
    match field {
        "type" => r#"expected "access_token" or "refresh_token""#,
        "expires_at" => "expected Unix seconds (a non-negative integer)",
        "revocable" => "expected true or false",
        "client_id" | "client_secret" => PRINTABLE,
        "labels" => "expected an object of strings",
        "allowed_origins" => "expected a list of origins (scheme://host[:port])",
        "clients" | "tokens" => "expected a list of objects",
        _ if parent.ends_with("labels") => NON_EMPTY,
        "scope" => SCOPE,
        "" => "expected an object",
        _ if field.ends_with(']') => "expected an object",
        _ => NON_EMPTY,
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            match self.problem.strip_prefix("cannot read seed file: ") {
                Some(io) => return write!(f, "cannot read seed file {}: {io}", file.display()),
                None => write!(f, "{}: ", file.display())?,
            }
        }
        match self.at.is_empty() {
            true => f.write_str(&self.problem),
            false => write!(f, "{}: {}", self.at, self.problem),
        }
    }
}

impl std::error::Error for SeedError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeed {
    #[serde(default)]
    clients: Vec<RawClient>,
    #[serde(default)]
    tokens: Vec<RawToken>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    #[serde(deserialize_with = "printable")]
    client_id: String,
    #[serde(default, deserialize_with = "some_printable")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "origins")]
    allowed_origins: Vec<String>,
    #[serde(default)]
    jwks: Option<serde_json::Value>,
    #[serde(default)]
    jwks_uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    #[serde(deserialize_with = "non_empty")]
    token: String,
    #[serde(rename = "type", deserialize_with = "kind")]
    kind: TokenKind,
    #[serde(deserialize_with = "printable")]
    client_id: String,
    #[serde(default, deserialize_with = "some_non_empty")]
    grant_id: Option<String>,
    #[serde(default, deserialize_with = "some_non_empty")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "some_string")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "labels")]
    labels: BTreeMap<String, String>,
    expires_at: Option<u64>,
    #[serde(default = "yes")]
    revocable: bool,
}

impl RawSeed {
    /// Types the entries, then checks the document as a whole with
    /// [`Seed::new`].
    fn check(self) -> Result<Seed, SeedError> {
        let clients = self.clients.into_iter().enumerate();
        let clients = clients
            .map(|(i, raw)| raw.typed(i))
            .collect::<Result<Vec<_>, _>>()?;
        let tokens = self.tokens.into_iter().enumerate();
        let tokens = tokens
            .map(|(i, raw)| raw.typed(i))
            .collect::<Result<Vec<_>, _>>()?;
        Seed::new(clients, tokens)
    }
}

impl RawClient {
    /// The client entry `clients[i]`, typed; not yet checked against the
    /// rest of the document.
    fn typed(self, i: usize) -> Result<ClientEntry, SeedError> {
        let at = |field: &str| format!("clients[{i}].{field}");
        let client_id = ClientId::new(&self.client_id)
            .map_err(|_| SeedError::new(at("client_id"), PRINTABLE))?;
        let client_secret = match self.client_secret {
            Some(secret) => Some(
                ClientSecret::new(secret)
                    .map_err(|_| SeedError::new(at("client_secret"), PRINTABLE))?,
            ),
            None => None,
        };
        let mut client = ClientEntry::new(client_id, client_secret);
        client.allowed_origins = self.allowed_origins;
        let keys = match (self.jwks, self.jwks_uri) {
            (Some(_), Some(_)) => Err(("jwks_uri", InvalidKeys::Both)),
            (Some(jwks), None) => ClientKeys::jwks(&jwks.to_string())
                .map(Some)
                .map_err(|e| ("jwks", e)),
            (None, Some(uri)) => ClientKeys::jwks_uri(&uri)
                .map(Some)
                .map_err(|e| ("jwks_uri", e)),
            (None, None) => Ok(None),
        };
        client.keys = keys.map_err(|(field, e)| SeedError::new(at(field), e.to_string()))?;
        Ok(client)
    }
}

impl RawToken {
    /// The token entry `tokens[i]`, typed; not yet checked against the
    /// rest of the document.
    fn typed(self, i: usize) -> Result<TokenEntry, SeedError> {
        let at = |field: &str| format!("tokens[{i}].{field}");
        let token = Token::new(self.token).ok_or_else(|| SeedError::new(at("token"), NON_EMPTY))?;
        let client_id = ClientId::new(&self.client_id)
            .map_err(|_| SeedError::new(at("client_id"), PRINTABLE))?;
        let mut entry = TokenEntry::new(token, self.kind, client_id).with_revocable(self.revocable);
        if let Some(grant_id) = self.grant_id {
            entry = entry.with_grant_id(grant_id);
        }
        if let Some(subject) = self.subject {
            entry = entry.with_subject(subject);
        }
        if let Some(scope) = self.scope {
            entry = entry.with_scope(scope);
        }
        if let Some(expires_at) = self.expires_at {
            entry = entry.with_expires_at(expires_at);
        }
        for (name, value) in self.labels {
            entry = entry.with_label(name, value);
        }
        Ok(entry)
    }
}

/// The checks of the token entry `tokens[i]` alone ([`TokenEntry::check`]).
fn check_token(i: usize, token: &TokenEntry) -> Result<(), SeedError> {
    token
        .check()
        .map_err(|(field, problem)| SeedError::new(format!("tokens[{i}].{field}"), problem))
}

fn yes() -> bool {
    true
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = String::deserialize(d)?;
    match value.is_empty() {
        true => Err(de::Error::custom(NON_EMPTY)),
        false => Ok(value),
    }
}

fn printable<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = String::deserialize(d)?;
    match crate::client::is_printable(&value) {
        true => Ok(value),
        false => Err(de::Error::custom(PRINTABLE)),
    }
}

fn some_non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    non_empty(d).map(Some)
}

/// A string, present: `null` is refused (optional fields are left out).
fn some_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

fn some_printable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    printable(d).map(Some)
}

fn origins<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let origins = Vec::<String>::deserialize(d)?;
    match origins.iter().all(|origin| is_origin(origin)) {
        true => Ok(origins),
        false => Err(de::Error::custom("not an origin")),
    }
}

fn kind<'de, D: Deserializer<'de>>(d: D) -> Result<TokenKind, D::Error> {
    let value = String::deserialize(d)?;
    TokenKind::parse(&value).ok_or_else(|| de::Error::custom("unknown kind"))
}

/// An object of non-empty strings; a repeated name is refused, not
/// overwritten.
fn labels<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct Labels;

    impl<'de> de::Visitor<'de> for Labels {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of strings")
        }

        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut labels = BTreeMap::new();
            while let Some(name) = map.next_key::<String>()? {
                let value: String = map.next_value_seed(NonEmptySeed)?;
                if name.is_empty() || labels.insert(name, value).is_some() {
                    return Err(de::Error::custom("empty or repeated label"));
                }
            }
            Ok(labels)
        }
    }

    struct NonEmptySeed;

    impl<'de> de::DeserializeSeed<'de> for NonEmptySeed {
        type Value = String;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            non_empty(d)
        }
    }

    d.deserialize_map(Labels)
}

/// Whether `origin` is a serialized origin (RFC 6454 §6.2):
/// `scheme://host[:port]`, no path, query or fragment.
pub(crate) fn is_origin(origin: &str) -> bool {
    let valid = origin.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            && !rest.is_empty()
            && !rest.contains(['/', '?', '#', ' '])
    });
    valid && http::HeaderValue::from_str(origin).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> String {
        Seed::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn document_shape_errors_name_the_field() {
        assert_eq!(
            error(r#"{"tokens": 1}"#),
            "tokens: expected a list of objects"
        );
        assert_eq!(
            error(r#"{"clients": [1]}"#),
            "clients[0]: expected an object"
        );
        assert_eq!(
            error(r#"{"clients": [{"client_id": "a", "client_secret": ""}]}"#),
            format!("clients[0].client_secret: {PRINTABLE}")
        );
        assert_eq!(
            error(
                r#"{"clients": [{"client_id": "a"}], "tokens": [{"token": "t",
                "type": "access_token", "client_id": "a", "labels": {"o": "1", "o": "2"}}]}"#
            ),
            "tokens[0].labels: expected an object of strings"
        );
    }

    #[test]
    fn scopes_are_read_and_malformed_ones_named() {
        let token = |scope: &str| {
            format!(
                r#"{{"clients": [{{"client_id": "a"}}], "tokens": [{{"token": "t",
                "type": "access_token", "client_id": "a", "scope": {scope}}}]}}"#
            )
        };
        let seed = Seed::from_json(&token(r#""read write""#)).unwrap();
        assert_eq!(seed.tokens()[0].scope.as_deref(), Some("read write"));
        for refused in ["\"read  write\"", "\"\"", "\" read\"", "1", "null"] {
            assert_eq!(
                error(&token(refused)),
                format!("tokens[0].scope: {SCOPE}"),
                "{refused}"
            );
        }
    }

    #[test]
    fn syntax_errors_carry_line_and_column_only() {
        let err = error("{\"clients\": [{\"client_id\": \"s3cr3t\" \"x\"}]}");
        assert!(err.starts_with("invalid JSON: expected"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
