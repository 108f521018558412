//! Streaming a seed document into a [`MemoryStore`]: each entry of the
//! `clients` and `tokens` lists is parsed, checked and inserted before the
//! next one is read, so a million-token seed never exists as one JSON tree.

use super::entries::{load_client, load_token};
use super::json::Json;
use super::{Kind, SeedError};
use crate::store::MemoryStore;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::path::Path;

/// Reads the seed file at `path` into `store`.
pub(in crate::store) fn load_file(store: &MemoryStore, path: &Path) -> Result<(), SeedError> {
    let in_file = |kind| SeedError {
        file: Some(path.to_owned()),
        kind,
    };
    let text = std::fs::read_to_string(path).map_err(|err| in_file(Kind::Io(err)))?;
    load(store, &text).map_err(|err| in_file(err.kind))
}

/// Reads the seed document `text` into `store`, stopping at the first error
/// (entries before it stay inserted).
pub(in crate::store) fn load(store: &MemoryStore, text: &str) -> Result<(), SeedError> {
    let loader = Loader {
        store,
        refused: RefCell::new(None),
        clients_loaded: Cell::new(false),
        early_tokens: RefCell::new(Vec::new()),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = Document(&loader)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    if let Some(refused) = loader.refused.take() {
        return Err(refused);
    }
    parsed.map_err(|err| SeedError {
        file: None,
        kind: Kind::Syntax(err),
    })?;
    for (i, token) in loader.early_tokens.take() {
        load_token(store, &token).map_err(|err| err.within(&format!("tokens[{i}]")))?;
    }
    Ok(())
}

struct Loader<'a> {
    store: &'a MemoryStore,
    /// Why the document was refused. The visitors stop `serde_json` with a
    /// placeholder error and leave the real one here: serde's own messages
    /// quote the values they refuse, which may be tokens or secrets.
    refused: RefCell<Option<SeedError>>,
    clients_loaded: Cell<bool>,
    /// Tokens listed before `clients`, loaded at the end.
    early_tokens: RefCell<Vec<(usize, Json)>>,
}

impl Loader<'_> {
    fn refuse<E: de::Error>(&self, err: SeedError) -> E {
        *self.refused.borrow_mut() = Some(err);
        E::custom("seed refused")
    }
}

/// Visitor methods for JSON types a visitor refuses: each reports
/// `self.wrong_type()`.
macro_rules! refuse_types {
    ($($method:ident $(($ty:ty))?),* $(,)?) => {$(
        fn $method<E: de::Error>(self, $(_: $ty)?) -> Result<(), E> {
            Err(self.wrong_type())
        }
    )*};
}

/// The top-level object.
struct Document<'l, 'a>(&'l Loader<'a>);

impl Document<'_, '_> {
    fn wrong_type<E: de::Error>(self) -> E {
        self.0.refuse(SeedError::entry("", "expected an object"))
    }
}

impl<'de> DeserializeSeed<'de> for Document<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a seed document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let list = match name.as_str() {
                _ if seen.contains(&name) => {
                    let err = SeedError::entry("", format!("duplicate field {name:?}"));
                    return Err(self.0.refuse(err));
                }
                "clients" => List::Clients,
                "tokens" => List::Tokens,
                _ => {
                    let err = SeedError::entry("", format!("unknown field {name:?}"));
                    return Err(self.0.refuse(err));
                }
            };
            map.next_value_seed(ListSeed(self.0, list))?;
            if list == List::Clients {
                self.0.clients_loaded.set(true);
            }
            seen.push(name);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong_type())
    }

    refuse_types!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64)
    );
    refuse_types!(visit_str(&str), visit_unit);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Clients,
    Tokens,
}

/// The `clients` or `tokens` array.
struct ListSeed<'l, 'a>(&'l Loader<'a>, List);

impl ListSeed<'_, '_> {
    fn name(&self) -> &'static str {
        match self.1 {
            List::Clients => "clients",
            List::Tokens => "tokens",
        }
    }

    fn wrong_type<E: de::Error>(self) -> E {
        self.0
            .refuse(SeedError::entry(self.name(), "expected an array"))
    }
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of seed entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (loader, store) = (self.0, self.0.store);
        let mut i = 0;
        while let Some(entry) = seq.next_element::<Json>()? {
            let loaded = match self.1 {
                List::Clients => load_client(store, &entry),
                List::Tokens if loader.clients_loaded.get() => load_token(store, &entry),
                List::Tokens => {
                    loader.early_tokens.borrow_mut().push((i, entry));
                    Ok(())
                }
            };
            let at = || format!("{}[{i}]", self.name());
            loaded.map_err(|err| loader.refuse(err.within(&at())))?;
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong_type())
    }

    refuse_types!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64)
    );
    refuse_types!(visit_str(&str), visit_unit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        load(&MemoryStore::new(), text).unwrap_err().to_string()
    }

    #[test]
    fn empty_document_loads_nothing() {
        let store = MemoryStore::new();
        load(&store, "{}").unwrap();
        load(&store, r#"{"clients": [], "tokens": []}"#).unwrap();
        assert_eq!(format!("{store:?}").matches(": 0").count(), 2);
    }

    #[test]
    fn document_shape_errors_name_the_field() {
        assert_eq!(error("[]"), "expected an object");
        assert_eq!(error(r#""a token""#), "expected an object");
        assert_eq!(error(r#"{"client": []}"#), r#"unknown field "client""#);
        assert_eq!(error(r#"{"tokens": {}}"#), "tokens: expected an array");
        assert_eq!(error(r#"{"tokens": "t"}"#), "tokens: expected an array");
        let twice = r#"{"clients": [], "clients": []}"#;
        assert_eq!(error(twice), r#"duplicate field "clients""#);
        assert_eq!(
            error(r#"{"clients": [7]}"#),
            "clients[0]: expected an object"
        );
    }

    #[test]
    fn tokens_may_come_before_their_clients() {
        let store = MemoryStore::new();
        let seed = r#"{"tokens": [{"token": "t", "type": "access_token", "client_id": "a"}],
                       "clients": [{"client_id": "a"}]}"#;
        load(&store, seed).unwrap();
        assert!(store.is_active("t"));
        let seed = r#"{"tokens": [{"token": "t", "type": "access_token", "client_id": "a"}]}"#;
        assert_eq!(error(seed), r#"tokens[0].client_id: unknown client "a""#);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = error("{\n  \"tokens\": [\n");
        assert_eq!(
            err,
            "invalid JSON: EOF while parsing a list at line 3 column 0"
        );
        let err = error(r#"{"tokens": []} x"#);
        assert_eq!(err, "invalid JSON: trailing characters at line 1 column 16");
    }

    #[test]
    fn io_errors_name_the_path() {
        let path = Path::new("/nonexistent/tower-revoke/seed.json");
        let err = load_file(&MemoryStore::new(), path)
            .unwrap_err()
            .to_string();
        let prefix = "cannot read seed file /nonexistent/tower-revoke/seed.json: ";
        assert!(err.starts_with(prefix), "{err}");
    }

    #[test]
    fn locations_nest() {
        let err = SeedError::entry("client_id", "x").within("tokens[2]");
        assert_eq!(err.to_string(), "tokens[2].client_id: x");
        let err = SeedError::entry("", "x")
            .within("labels")
            .within("tokens[0]");
        assert_eq!(err.to_string(), "tokens[0].labels: x");
        assert!(std::error::Error::source(&err).is_none());
    }
}
