//! Requests as sent: the input's free-form request, and the well-formed
//! request of an earlier revocation, turned into method, URI, headers and
//! body bytes.

use crate::input::{
    Authorization, BodyContent, ContentType, Earlier, Header, Input, JsonValue, Method, Path, Via,
};
use crate::seed::PATH;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::HeaderMap;

/// One request as sent: head, body bytes and how the body is delivered.
pub struct Exchange {
    pub method: http::Method,
    pub uri: http::Uri,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Chunk lengths; the rest of the body is one last chunk.
    pub chunks: Vec<u8>,
    pub exact_size_hint: bool,
    pub fail_at_end: bool,
    pub trailers: bool,
}

/// `value` form-encoded (RFC 6749 Appendix B).
pub fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// An `Authorization: Basic` value for `id` and `secret`, each
/// form-encoded first or not.
pub fn basic_authorization(id: &str, secret: &str, form_encode: bool) -> String {
    let joined = if form_encode {
        format!("{}:{}", self::form_encode(id), self::form_encode(secret))
    } else {
        format!("{id}:{secret}")
    };
    format!("Basic {}", STANDARD.encode(joined))
}

impl Exchange {
    /// The input's request; `None` when its method or URI is not one.
    pub fn from_input(input: Input) -> Option<Self> {
        Some(Self {
            method: method(&input.method)?,
            uri: uri(&input.path)?,
            headers: headers(&input.headers),
            body: body_bytes(&input.body),
            chunks: input.chunks,
            exact_size_hint: input.exact_size_hint,
            fail_at_end: input.fail_at_end,
            trailers: input.trailers,
        })
    }

    /// The well-formed request of an earlier revocation, its body JSON or a
    /// form; `None` for one made straight through the store.
    pub fn earlier(step: &Earlier, json: bool) -> Option<Self> {
        let (client_id, secret) = step.client();
        let token = step.token();
        // A public client presents a wrong secret where the method needs one.
        let secret = secret.unwrap_or("wrong");
        let mut headers = HeaderMap::new();
        let mut params: Vec<(&str, &str)> = vec![("token", token)];
        if step.hint {
            params.push(("token_type_hint", "refresh_token"));
        }
        match step.via {
            Via::Store => return None,
            Via::Basic { form_encode } => {
                let value = basic_authorization(client_id, secret, form_encode);
                headers.insert(AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
            }
            Via::Post => params.extend([("client_id", client_id), ("client_secret", secret)]),
            Via::None => params.push(("client_id", client_id)),
            Via::AppKey => {
                headers.insert("x-app-id", HeaderValue::from_str(client_id).unwrap());
                headers.insert("x-app-token", HeaderValue::from_str(secret).unwrap());
            }
        }
        let (content_type, body) = if json {
            let object: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .map(|&(n, v)| (n.to_owned(), v.into()))
                .collect();
            ("application/json", serde_json::to_vec(&object).unwrap())
        } else {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.extend_pairs(&params);
            (
                "application/x-www-form-urlencoded",
                form.finish().into_bytes(),
            )
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Some(Self {
            method: http::Method::POST,
            uri: http::Uri::from_static(PATH),
            headers,
            body,
            chunks: Vec::new(),
            exact_size_hint: true,
            fail_at_end: false,
            trailers: false,
        })
    }
}

fn method(method: &Method) -> Option<http::Method> {
    Some(match method {
        Method::Post => http::Method::POST,
        Method::Get => http::Method::GET,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Head => http::Method::HEAD,
        Method::Options => http::Method::OPTIONS,
        Method::Other(m) => http::Method::from_bytes(m.as_bytes()).ok()?,
    })
}

fn uri(path: &Path) -> Option<http::Uri> {
    let uri = match path {
        Path::Revoke => PATH.to_owned(),
        Path::RevokeWithQuery(pairs) => {
            let query: Vec<String> = pairs
                .iter()
                .map(|(n, v)| format!("{}={}", form_encode(n.get()), form_encode(v.get())))
                .collect();
            format!("{PATH}?{}", query.join("&"))
        }
        Path::Any(uri) => uri.clone(),
    };
    uri.parse().ok()
}

/// The headers that are valid; the others are left out.
fn headers(input: &[Header]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for header in input {
        let (name, value): (HeaderName, Vec<u8>) = match header {
            Header::ContentType(ct) => (
                CONTENT_TYPE,
                match ct {
                    ContentType::Form => b"application/x-www-form-urlencoded".to_vec(),
                    ContentType::FormCharset => {
                        b"application/x-www-form-urlencoded; charset=UTF-8".to_vec()
                    }
                    ContentType::Json => b"application/json".to_vec(),
                    ContentType::Any(v) => v.clone(),
                },
            ),
            Header::Authorization(auth) => (
                AUTHORIZATION,
                match auth {
                    Authorization::Basic {
                        id,
                        secret,
                        form_encode,
                    } => basic_authorization(id.get(), secret.get(), *form_encode).into_bytes(),
                    Authorization::Bearer(t) => format!("Bearer {}", t.get()).into_bytes(),
                    Authorization::Any(v) => v.clone(),
                },
            ),
            Header::AppId(t) => (
                HeaderName::from_static("x-app-id"),
                t.get().as_bytes().to_vec(),
            ),
            Header::AppToken(t) => (
                HeaderName::from_static("x-app-token"),
                t.get().as_bytes().to_vec(),
            ),
            Header::ContentLength(n) => (CONTENT_LENGTH, n.to_string().into_bytes()),
            Header::Any(name, value) => match HeaderName::from_bytes(name.as_bytes()) {
                Ok(name) => (name, value.clone()),
                Err(_) => continue,
            },
        };
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            headers.append(name, value);
        }
    }
    headers
}

/// The body's bytes: a form, a JSON object, or raw bytes.
fn body_bytes(content: &BodyContent) -> Vec<u8> {
    match content {
        BodyContent::Form(pairs) => pairs
            .iter()
            .map(|(name, value, encode)| {
                let (name, value) = (name.get(), value.get());
                if *encode {
                    format!("{}={}", form_encode(name), form_encode(value))
                } else {
                    format!("{name}={value}")
                }
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
        BodyContent::Json(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(name, value)| {
                    let value = match value {
                        JsonValue::Text(text) => serde_json::Value::from(text.get()),
                        JsonValue::Number(n) => serde_json::Value::from(*n),
                        JsonValue::Null => serde_json::Value::Null,
                        JsonValue::Nested => serde_json::json!({"token": ["x", {"token": 1}]}),
                    };
                    format!("{}:{}", serde_json::Value::from(name.get()), value)
                })
                .collect();
            format!("{{{}}}", members.join(",")).into_bytes()
        }
        BodyContent::Raw(bytes) => bytes.clone(),
    }
}
