//! The contender: what a user writes without tower-revoke, an axum handler
//! over sqlx on the same schema. It reads `Authorization: Basic` (raw, as
//! `curl -u` sends it) and the form's `token`, checks the client's secret
//! digest in constant time (against a dummy digest for an unknown client),
//! and revokes the token if it is the client's, revocable, unexpired and
//! not revoked (itself or through its grant), ending the grant for a
//! refresh token. It answers 200 `{}`, 400 or 401; it does not tell
//! another client's token or a non-revocable one apart (200), sends no
//! revocation notice, and reads no `token_type_hint`: less work than the
//! endpoint, so a lower bound.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tower_revoke_sqlx::sqlx::{self, PgPool, SqlitePool};

const CLIENT: &str = "SELECT secret_digest FROM tower_revoke_clients WHERE client_id = $1";

/// PostgreSQL: the token and, for a refresh token, its grant in one
/// statement. `$1` digest, `$2` client id, `$3` now.
const REVOKE_PG: &str = "
WITH t AS (
    UPDATE tower_revoke_tokens t SET revoked_at = $3
    WHERE digest = $1 AND client_id = $2 AND revocable AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > $3)
      AND NOT EXISTS (SELECT 1 FROM tower_revoke_grants g
                      WHERE g.client_id = t.client_id AND g.grant_id = t.grant_id
                        AND g.revoked_at IS NOT NULL)
    RETURNING kind, grant_id
)
UPDATE tower_revoke_grants g SET revoked_at = $3 FROM t
WHERE t.kind = 'refresh_token' AND g.client_id = $2 AND g.grant_id = t.grant_id
  AND g.revoked_at IS NULL";

/// SQLite (no writing CTEs): the token, then its grant if it was a
/// refresh token, in one transaction.
const REVOKE_TOKEN_SQLITE: &str = "
UPDATE tower_revoke_tokens SET revoked_at = $3
WHERE digest = $1 AND client_id = $2 AND revocable AND revoked_at IS NULL
  AND (expires_at IS NULL OR expires_at > $3)
  AND NOT EXISTS (SELECT 1 FROM tower_revoke_grants g
                  WHERE g.client_id = tower_revoke_tokens.client_id
                    AND g.grant_id = tower_revoke_tokens.grant_id
                    AND g.revoked_at IS NOT NULL)
RETURNING kind, grant_id";
const REVOKE_GRANT_SQLITE: &str = "
UPDATE tower_revoke_grants SET revoked_at = $3
WHERE client_id = $1 AND grant_id = $2 AND revoked_at IS NULL";

pub fn postgres(pool: PgPool) -> Router {
    Router::new()
        .route("/oauth/revoke", post(revoke_pg))
        .with_state(pool)
}

pub fn sqlite(pool: SqlitePool) -> Router {
    Router::new()
        .route("/oauth/revoke", post(revoke_sqlite))
        .with_state(pool)
}

/// The request's client id, secret and token.
struct Parsed {
    client_id: String,
    secret: String,
    token: String,
}

fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Parsed, StatusCode> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or(StatusCode::UNAUTHORIZED)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic)
        .map_err(|_| StatusCode::UNAUTHORIZED)?;
    let decoded = String::from_utf8(decoded).map_err(|_| StatusCode::UNAUTHORIZED)?;
    let (client_id, secret) = decoded.split_once(':').ok_or(StatusCode::UNAUTHORIZED)?;
    let mut tokens = form_urlencoded::parse(body).filter(|(k, _)| k == "token");
    let token = tokens.next().ok_or(StatusCode::BAD_REQUEST)?.1.into_owned();
    if token.is_empty() || tokens.next().is_some() {
        return Err(StatusCode::BAD_REQUEST);
    }
    Ok(Parsed {
        client_id: client_id.to_owned(),
        secret: secret.to_owned(),
        token,
    })
}

/// Constant-time: an unknown client compares against a dummy digest.
fn authenticated(stored: Option<Option<Vec<u8>>>, secret: &str) -> bool {
    let given = Sha256::digest(secret.as_bytes());
    let (known, expected) = match stored {
        Some(Some(digest)) => (true, digest),
        _ => (false, vec![0; 32]),
    };
    bool::from(given.as_slice().ct_eq(&expected)) & known
}

fn now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_secs() as i64)
}

fn revoked() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (headers, "{}").into_response()
}

async fn revoke_pg(State(pool): State<PgPool>, headers: HeaderMap, body: Bytes) -> Response {
    let parsed = match parse(&headers, &body) {
        Ok(parsed) => parsed,
        Err(status) => return status.into_response(),
    };
    let stored = sqlx::query_scalar(CLIENT)
        .bind(&parsed.client_id)
        .fetch_optional(&pool)
        .await;
    let Ok(stored) = stored else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    if !authenticated(stored, &parsed.secret) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let digest = Sha256::digest(parsed.token.as_bytes());
    let done = sqlx::query(REVOKE_PG)
        .bind(digest.as_slice())
        .bind(&parsed.client_id)
        .bind(now())
        .execute(&pool)
        .await;
    match done {
        Ok(_) => revoked(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn revoke_sqlite(
    State(pool): State<SqlitePool>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = match parse(&headers, &body) {
        Ok(parsed) => parsed,
        Err(status) => return status.into_response(),
    };
    let stored = sqlx::query_scalar(CLIENT)
        .bind(&parsed.client_id)
        .fetch_optional(&pool)
        .await;
    let Ok(stored) = stored else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    if !authenticated(stored, &parsed.secret) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let digest = Sha256::digest(parsed.token.as_bytes());
    let revoke = async {
        let mut tx = pool.begin().await?;
        let row: Option<(String, Option<String>)> = sqlx::query_as(REVOKE_TOKEN_SQLITE)
            .bind(digest.as_slice())
            .bind(&parsed.client_id)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some((kind, Some(grant))) = row {
            if kind == "refresh_token" {
                sqlx::query(REVOKE_GRANT_SQLITE)
                    .bind(&parsed.client_id)
                    .bind(grant)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await
    };
    match revoke.await {
        Ok(()) => revoked(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
