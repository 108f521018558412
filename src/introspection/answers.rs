//! The introspection endpoint's answers (RFC 7662 §2.2): `{"active":false}`
//! and the members of an active token.

use crate::response::json_response;
use crate::store::{ActiveToken, TokenKind};
use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;

/// The one answer for every token the caller may not learn about: unknown,
/// expired, revoked, not yet valid, or another client's (RFC 7662 §2.2:
/// "the authorization server MUST return an introspection response with
/// the `active` field set to `false`", and nothing else).
pub(crate) fn inactive() -> Response<Full<Bytes>> {
    json_response(StatusCode::OK, Bytes::from_static(br#"{"active":false}"#))
}

/// `{"active":true, ...}` with the RFC 7662 §2.2 members the store knows.
///
/// `token_type` is the RFC 6749 §7.1 access token type: `"Bearer"` for an
/// access token; a refresh token has none, so the member is left out.
pub(crate) fn active(token: &ActiveToken) -> Response<Full<Bytes>> {
    let body = Active {
        active: true,
        scope: token.scope(),
        client_id: token.client_id().as_str(),
        token_type: (token.kind() == TokenKind::AccessToken).then_some("Bearer"),
        exp: token.exp(),
        iat: token.iat(),
        sub: token.sub(),
        aud: token.aud().map(|aud| match aud {
            [one] => Audience::One(one),
            many => Audience::Many(many),
        }),
        iss: token.iss(),
        jti: token.jti(),
    };
    // Strings and integers only: serializing into a Vec cannot fail.
    let body = serde_json::to_vec(&body).unwrap_or_default();
    json_response(StatusCode::OK, Bytes::from(body))
}

/// The members in RFC 7662 §2.2 order.
#[derive(Serialize)]
struct Active<'a> {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<Audience<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<&'a str>,
}

/// `aud`: a string for one audience, an array for several (RFC 7519
/// §4.1.3, RFC 7662 §2.2).
#[derive(Serialize)]
#[serde(untagged)]
enum Audience<'a> {
    One(&'a str),
    Many(&'a [Box<str>]),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientId;
    use http_body_util::BodyExt;

    async fn body(response: Response<Full<Bytes>>) -> String {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn app1(kind: TokenKind) -> ActiveToken {
        ActiveToken::new(ClientId::new("app1").unwrap(), kind)
    }

    #[tokio::test]
    async fn inactive_is_exactly_active_false_and_not_cached() {
        let response = inactive();
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(body(response).await, r#"{"active":false}"#);
    }

    #[tokio::test]
    async fn access_tokens_are_bearer_and_refresh_tokens_have_no_type() {
        let access = app1(TokenKind::AccessToken).with_sub("alice").with_exp(9);
        assert_eq!(
            body(active(&access)).await,
            r#"{"active":true,"client_id":"app1","token_type":"Bearer","exp":9,"sub":"alice"}"#
        );
        let refresh = app1(TokenKind::RefreshToken);
        assert_eq!(
            body(active(&refresh)).await,
            r#"{"active":true,"client_id":"app1"}"#
        );
    }

    #[tokio::test]
    async fn one_audience_is_a_string_several_an_array() {
        let jwt = app1(TokenKind::AccessToken)
            .with_scope("read")
            .with_iat(1)
            .with_iss("https://as")
            .with_jti("j1");
        let one = body(active(&jwt.clone().with_aud(["api"]))).await;
        assert_eq!(
            one,
            r#"{"active":true,"scope":"read","client_id":"app1","token_type":"Bearer","iat":1,"aud":"api","iss":"https://as","jti":"j1"}"#
        );
        let two = body(active(&jwt.with_aud(["a", "b"]))).await;
        assert!(two.contains(r#""aud":["a","b"]"#), "{two}");
    }
}
