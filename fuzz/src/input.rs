//! The fuzzer's input: the endpoint's configuration, one free-form request
//! and the revocations made before it, as `Arbitrary` types.
//!
//! The order of fields and variants is what the committed corpus was grown
//! on: changing it changes what every corpus entry means.

use crate::seed::{CLIENTS, KNOWN, TOKENS};
use arbitrary::Arbitrary;

/// Everything one run does.
#[derive(Arbitrary, Debug)]
pub struct Input {
    pub config: Config,
    pub method: Method,
    pub path: Path,
    pub headers: Vec<Header>,
    pub body: BodyContent,
    /// Chunk lengths; the rest of the body is one last chunk.
    pub chunks: Vec<u8>,
    pub exact_size_hint: bool,
    pub fail_at_end: bool,
    pub trailers: bool,
    /// Revocations made before the request.
    pub earlier: Vec<Earlier>,
}

/// One of the [`KNOWN`] values, or any text.
#[derive(Arbitrary, Debug)]
pub enum Text {
    Known(u8),
    Any(String),
}

impl Text {
    pub fn get(&self) -> &str {
        match self {
            Text::Known(i) => KNOWN[*i as usize % KNOWN.len()],
            Text::Any(s) => s,
        }
    }
}

/// The endpoint's configuration and the store's.
#[derive(Arbitrary, Debug)]
pub struct Config {
    pub json: bool,
    pub basic_decoding: u8,
    pub other_client: u8,
    pub no_content: bool,
    pub not_found: bool,
    pub app_key: bool,
    pub only_basic: bool,
    pub access_token_revokes_grant: bool,
    pub max_body_size: Option<u16>,
}

#[derive(Arbitrary, Debug)]
pub enum Method {
    Post,
    Get,
    Put,
    Delete,
    Head,
    Options,
    Other(String),
}

#[derive(Arbitrary, Debug)]
pub enum Path {
    Revoke,
    RevokeWithQuery(Vec<(Name, Text)>),
    Any(String),
}

/// A parameter name, in a query, a form or a JSON object.
#[derive(Arbitrary, Debug)]
pub enum Name {
    Token,
    TokenTypeHint,
    ClientId,
    ClientSecret,
    AccessToken,
    Any(String),
}

impl Name {
    pub fn get(&self) -> &str {
        match self {
            Name::Token => "token",
            Name::TokenTypeHint => "token_type_hint",
            Name::ClientId => "client_id",
            Name::ClientSecret => "client_secret",
            Name::AccessToken => "access_token",
            Name::Any(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum Header {
    ContentType(ContentType),
    Authorization(Authorization),
    AppId(Text),
    AppToken(Text),
    ContentLength(u32),
    Any(String, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
pub enum ContentType {
    Form,
    FormCharset,
    Json,
    Any(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
pub enum Authorization {
    /// `Basic base64(id ":" secret)`, each form-encoded or not.
    Basic {
        id: Text,
        secret: Text,
        form_encode: bool,
    },
    Bearer(Text),
    Any(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
pub enum BodyContent {
    /// Name, value, and whether both are form-encoded.
    Form(Vec<(Name, Text, bool)>),
    Json(Vec<(Name, JsonValue)>),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
pub enum JsonValue {
    Text(Text),
    Number(i64),
    Null,
    Nested,
}

/// How an earlier revocation is made.
#[derive(Arbitrary, Debug)]
pub enum Via {
    /// `RevocationStore::revoke`, as the client would be once authenticated.
    Store,
    /// `Authorization: Basic`, the id and secret form-encoded or not.
    Basic { form_encode: bool },
    /// `client_id` and `client_secret` in the body.
    Post,
    /// `client_id` alone in the body (a public client).
    None,
    /// The app-key headers.
    AppKey,
}

/// A revocation made before the request, by one of the seed's clients.
#[derive(Arbitrary, Debug)]
pub struct Earlier {
    pub client: u8,
    /// An index into the seed's tokens; past them, an unknown token.
    pub token: u8,
    pub via: Via,
    pub hint: bool,
}

impl Earlier {
    /// The revoking client: id and secret (`None`: public).
    pub fn client(&self) -> (&'static str, Option<&'static str>) {
        CLIENTS[usize::from(self.client) % CLIENTS.len()]
    }

    /// The token revoked: one of the seed's, or `nope`.
    pub fn token(&self) -> &'static str {
        TOKENS
            .get(usize::from(self.token) % (TOKENS.len() + 1))
            .map_or("nope", |t| t.token)
    }
}
