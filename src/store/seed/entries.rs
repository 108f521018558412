//! Reading one entry of a seed document's `clients` or `tokens` list into a
//! [`MemoryStore`].

use super::json::Json;
use super::{SeedError, TokenEntry, TokenKind, NON_EMPTY, PRINTABLE};
use crate::client::{ClientId, ClientSecret};
use crate::store::MemoryStore;
use crate::token::Token;

/// Checks one `clients` entry and registers the client.
pub(super) fn load_client(store: &MemoryStore, value: &Json) -> Result<(), SeedError> {
    let client = Object::new(value, &["client_id", "client_secret"])?;
    let client_id = client_id(client.required("client_id")?)?;
    let client_secret = client
        .get("client_secret")
        .map(|value| {
            string(value)
                .and_then(ClientSecret::new)
                .ok_or_else(|| SeedError::entry("client_secret", PRINTABLE))
        })
        .transpose()?;
    store.insert_client(client_id, client_secret)
}

/// Checks one `tokens` entry and stores the token.
pub(super) fn load_token(store: &MemoryStore, value: &Json) -> Result<(), SeedError> {
    const FIELDS: &[&str] = &[
        "token",
        "type",
        "client_id",
        "grant_id",
        "subject",
        "labels",
        "expires_at",
        "revocable",
    ];
    let fields = Object::new(value, FIELDS)?;
    let token = string(fields.required("token")?)
        .and_then(Token::new)
        .ok_or_else(|| SeedError::entry("token", NON_EMPTY))?;
    let kind = string(fields.required("type")?)
        .and_then(TokenKind::parse)
        .ok_or_else(|| SeedError::entry("type", r#"expected "access_token" or "refresh_token""#))?;
    let client_id = client_id(fields.required("client_id")?)?;
    let mut entry = TokenEntry::new(token, kind, client_id);
    if let Some(grant_id) = fields.non_empty_string("grant_id")? {
        entry = entry.grant_id(grant_id);
    }
    if let Some(subject) = fields.non_empty_string("subject")? {
        entry = entry.subject(subject);
    }
    if let Some(labels) = fields.get("labels") {
        entry.labels = labels_of(labels).map_err(|err| err.within("labels"))?;
    }
    match fields.get("expires_at") {
        None => {}
        Some(&Json::Unsigned(seconds)) => entry = entry.expires_at(seconds),
        Some(_) => {
            let problem = "expected Unix seconds (a non-negative integer)";
            return Err(SeedError::entry("expires_at", problem));
        }
    }
    match fields.get("revocable") {
        None => {}
        Some(&Json::Bool(revocable)) => entry = entry.revocable(revocable),
        Some(_) => return Err(SeedError::entry("revocable", "expected true or false")),
    }
    store.insert_token(entry)
}

/// The members of a `labels` object, all strings (emptiness is checked by
/// [`TokenEntry`]'s insertion).
fn labels_of(value: &Json) -> Result<Vec<(String, String)>, SeedError> {
    let Json::Object(members) = value else {
        return Err(SeedError::entry("", "expected an object of strings"));
    };
    let mut labels = Vec::<(String, String)>::with_capacity(members.len());
    for (name, value) in members {
        if labels.iter().any(|(seen, _)| seen == name) {
            return Err(SeedError::entry("", format!("duplicate label {name:?}")));
        }
        let Json::String(value) = value else {
            return Err(SeedError::entry(name, NON_EMPTY));
        };
        labels.push((name.clone(), value.clone()));
    }
    Ok(labels)
}

fn client_id(value: &Json) -> Result<ClientId, SeedError> {
    string(value)
        .and_then(ClientId::new)
        .ok_or_else(|| SeedError::entry("client_id", PRINTABLE))
}

fn string(value: &Json) -> Option<&str> {
    match value {
        Json::String(value) => Some(value),
        _ => None,
    }
}

/// A JSON object whose member names have been checked: all known, none
/// repeated.
struct Object<'a>(&'a [(String, Json)]);

impl<'a> Object<'a> {
    fn new(value: &'a Json, fields: &[&str]) -> Result<Self, SeedError> {
        let Json::Object(members) = value else {
            return Err(SeedError::entry("", "expected an object"));
        };
        for (i, (name, _)) in members.iter().enumerate() {
            if !fields.contains(&name.as_str()) {
                return Err(SeedError::entry("", format!("unknown field {name:?}")));
            }
            if members[..i].iter().any(|(seen, _)| seen == name) {
                return Err(SeedError::entry("", format!("duplicate field {name:?}")));
            }
        }
        Ok(Self(members))
    }

    fn get(&self, name: &str) -> Option<&'a Json> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value)
    }

    fn required(&self, name: &str) -> Result<&'a Json, SeedError> {
        self.get(name)
            .ok_or_else(|| SeedError::entry(name, "missing"))
    }

    fn non_empty_string(&self, name: &str) -> Result<Option<&'a str>, SeedError> {
        self.get(name)
            .map(|value| {
                string(value)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| SeedError::entry(name, NON_EMPTY))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::seed::stream::load;

    fn error(text: &str) -> String {
        load(&MemoryStore::new(), text).unwrap_err().to_string()
    }

    /// What loading one token of client `app1` with these `extra` members
    /// reports, without the `tokens[0]` prefix.
    fn token_error(extra: &str) -> String {
        let seed = format!(
            r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{{"token": "t",
                "type": "access_token", "client_id": "app1"{extra}}}]}}"#
        );
        let err = error(&seed);
        err.strip_prefix("tokens[0]").unwrap_or(&err).to_owned()
    }

    #[test]
    fn token_field_errors_name_the_field() {
        const UNIX: &str = ".expires_at: expected Unix seconds (a non-negative integer)";
        const CASES: &[(&str, &str)] = &[
            (r#", "type": "x""#, r#": duplicate field "type""#),
            (r#", "colour": "red""#, r#": unknown field "colour""#),
            (
                r#", "grant_id": """#,
                ".grant_id: expected a non-empty string",
            ),
            (
                r#", "grant_id": 7"#,
                ".grant_id: expected a non-empty string",
            ),
            (
                r#", "subject": null"#,
                ".subject: expected a non-empty string",
            ),
            (r#", "expires_at": -1"#, UNIX),
            (r#", "expires_at": 1.5"#, UNIX),
            (r#", "expires_at": "1000""#, UNIX),
            (
                r#", "revocable": "no""#,
                ".revocable: expected true or false",
            ),
            (
                r#", "labels": ["a"]"#,
                ".labels: expected an object of strings",
            ),
            (
                r#", "labels": {"org": 42}"#,
                ".labels.org: expected a non-empty string",
            ),
            (
                r#", "labels": {"org": ""}"#,
                ".labels.org: expected a non-empty string",
            ),
            (
                r#", "labels": {"a": "1", "a": "2"}"#,
                r#".labels: duplicate label "a""#,
            ),
            (r#", "labels": {"": "1"}"#, ".labels: empty label name"),
        ];
        for (extra, expected) in CASES {
            assert_eq!(token_error(extra), *expected, "{extra}");
        }
    }

    #[test]
    fn optional_token_fields_are_applied() {
        let store = MemoryStore::new();
        let seed = r#"{"clients": [{"client_id": "app1"}], "tokens": [
            {"token": "a", "type": "access_token", "client_id": "app1", "expires_at": 0},
            {"token": "b", "type": "refresh_token", "client_id": "app1", "revocable": true,
             "expires_at": 18446744073709551615, "labels": {}}
        ]}"#;
        load(&store, seed).unwrap();
        assert!(!store.is_active("a") && store.is_active("b"));
    }

    #[test]
    fn client_field_errors_name_the_field() {
        const CASES: &[(&str, &str)] = &[
            (r#"{}"#, "clients[0].client_id: missing"),
            (
                r#"{"client_id": "a\u0007"}"#,
                "clients[0].client_id: expected a non-empty string without control characters",
            ),
            (
                r#"{"client_id": "a", "client_secret": ""}"#,
                "clients[0].client_secret: expected a non-empty string without control characters",
            ),
            (
                r#"{"client_id": "a", "secret": "x"}"#,
                r#"clients[0]: unknown field "secret""#,
            ),
        ];
        for (client, expected) in CASES {
            assert_eq!(error(&format!(r#"{{"clients": [{client}]}}"#)), *expected);
        }
    }
}
