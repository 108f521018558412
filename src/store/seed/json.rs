//! A JSON tree for seed documents that keeps what `serde_json::Value` loses
//! or would leak: repeated object keys (so they can be refused) and no
//! value ever quoted in an error message.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A parsed JSON value. Numbers are kept only as far as the seed format
/// needs them: a non-negative integer, or "some other number".
#[derive(Debug, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    /// A non-negative integer that fits in a `u64`.
    Unsigned(u64),
    /// A negative, fractional or otherwise non-`u64` number.
    OtherNumber,
    String(String),
    Array(Vec<Json>),
    /// Members in document order, repeated keys included.
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Json, E> {
        Ok(Json::Bool(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Json, E> {
        Ok(Json::Unsigned(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Json, E> {
        Ok(u64::try_from(value).map_or(Json::OtherNumber, Json::Unsigned))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Json, E> {
        Ok(Json::OtherNumber)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Json, E> {
        Ok(Json::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Json, E> {
        Ok(Json::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Json>()? {
            members.push(member);
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn repeated_keys_are_kept() {
        let json = parse(r#"{"a": 1, "a": "x"}"#).unwrap();
        assert_eq!(
            json,
            Json::Object(vec![
                ("a".into(), Json::Unsigned(1)),
                ("a".into(), Json::String("x".into())),
            ])
        );
    }

    #[test]
    fn only_non_negative_integers_are_unsigned() {
        let json = parse("[0, 18446744073709551615, -1, 1.5, 1e3, null, true]").unwrap();
        assert_eq!(
            json,
            Json::Array(vec![
                Json::Unsigned(0),
                Json::Unsigned(u64::MAX),
                Json::OtherNumber,
                Json::OtherNumber,
                Json::OtherNumber,
                Json::Null,
                Json::Bool(true),
            ])
        );
    }

    #[test]
    fn syntax_errors_do_not_quote_the_input() {
        let err = parse(r#"{"token": "hunter2" "x"}"#)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("line 1 column"), "{err}");
    }
}
