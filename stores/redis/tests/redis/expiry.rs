//! Keys expire with their tokens; indexes with their last token.

use crate::common;
use tower_revoke::IssuanceStore;

use std::time::Duration;
use tower_revoke::RevocationOutcome;

async fn pttl(conn: &mut redis::aio::ConnectionManager, key: &str) -> i64 {
    redis::cmd("PTTL").arg(key).query_async(conn).await.unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn keys_expire_with_their_tokens() {
    let Some(url) = common::redis_url("keys_expire_with_their_tokens") else {
        return;
    };
    let store = common::store(&url, "expiry")
        .await
        .expired_retention(Duration::ZERO);
    let exp = now() + 5;
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [
        {{"token": "SOON", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice", "expires_at": {exp}}},
        {{"token": "RSOON", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "expires_at": {exp}}},
        {{"token": "EVER", "type": "access_token", "client_id": "app1", "subject": "bob"}}]}}"#
    );
    store.seed(&common::seed(&json)).await.unwrap();
    let p = store.get_key_prefix().to_owned();
    let mut conn = store.connection().clone();
    let token_key = |t: &str| format!("{p}:t:{{{}}}", common::digest(t).to_hex());
    for key in [
        token_key("SOON"),
        format!("{p}:g:{{app1:G1}}"),
        format!("{p}:s:{{alice}}"),
    ] {
        let ttl = pttl(&mut conn, &key).await;
        assert!((1..=5_000).contains(&ttl), "{key}: PTTL {ttl}");
    }
    assert_eq!(pttl(&mut conn, &token_key("EVER")).await, -1);
    assert_eq!(pttl(&mut conn, &format!("{p}:s:{{bob}}")).await, -1);
    // A revocation keeps the expiry, of the token and of the ended grant.
    let outcome = common::revoke(&store, "RSOON").await;
    assert!(matches!(
        outcome,
        RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    for key in [
        token_key("RSOON"),
        token_key("SOON"),
        format!("{p}:g:{{app1:G1}}:ended"),
    ] {
        let ttl = pttl(&mut conn, &key).await;
        assert!((1..=5_000).contains(&ttl), "{key}: PTTL {ttl}");
    }
    common::clean(&mut conn, &p).await;
}

#[tokio::test]
async fn expired_tokens_are_kept_for_the_retention() {
    let Some(url) = common::redis_url("expired_tokens_are_kept_for_the_retention") else {
        return;
    };
    let store = common::store(&url, "retention")
        .await
        .expired_retention(Duration::from_secs(60));
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [
        {{"token": "SOON", "type": "access_token", "client_id": "app1", "expires_at": {}}},
        {{"token": "OLD", "type": "access_token", "client_id": "app1", "expires_at": 1000}}]}}"#,
        now() + 5
    );
    store.seed(&common::seed(&json)).await.unwrap();
    let p = store.get_key_prefix().to_owned();
    let mut conn = store.connection().clone();
    let soon = format!("{p}:t:{{{}}}", common::digest("SOON").to_hex());
    let ttl = pttl(&mut conn, &soon).await;
    assert!((60_001..=65_000).contains(&ttl), "SOON: PTTL {ttl}");
    let old = format!("{p}:t:{{{}}}", common::digest("OLD").to_hex());
    let ttl = pttl(&mut conn, &old).await;
    assert!((55_000..=60_000).contains(&ttl), "OLD: PTTL {ttl}");
    common::clean(&mut conn, &p).await;
}

#[tokio::test]
async fn an_index_forgets_tokens_whose_keys_are_gone() {
    let Some(url) = common::redis_url("an_index_forgets_tokens_whose_keys_are_gone") else {
        return;
    };
    let store = common::store(&url, "prune")
        .await
        .expired_retention(Duration::ZERO);
    let json = |token: &str, exp: u64| {
        format!(
            r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [
            {{"token": "{token}", "type": "access_token", "client_id": "app1", "subject": "alice", "expires_at": {exp}}}]}}"#
        )
    };
    store
        .seed(&common::seed(&json("BRIEF", now() + 1)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    store
        .seed(&common::seed(&json("NEXT", now() + 30)))
        .await
        .unwrap();
    let p = store.get_key_prefix().to_owned();
    let mut conn = store.connection().clone();
    let members: Vec<String> = redis::cmd("ZRANGE")
        .arg(format!("{p}:s:{{alice}}"))
        .arg(0)
        .arg(-1)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(members, [common::digest("NEXT").to_hex()]);
    common::clean(&mut conn, &p).await;
}

#[tokio::test]
async fn denied_jwts_expire_when_their_entry_lapses_and_cutoffs_stay() {
    use tower_revoke::store::JwtRecord;
    use tower_revoke::JwtDenyList;
    let Some(url) = common::redis_url("denied_jwts_expire_when_their_entry_lapses") else {
        return;
    };
    let store = common::store(&url, "jwt-expiry").await;
    let jwt = JwtRecord {
        issuer: "https://as.example",
        jti: "j1",
        subject: "alice",
        issued_at: now(),
    };
    assert!(store.deny_jwt(&jwt, now() + 5).await.unwrap());
    store
        .deny_subject_jwts(jwt.issuer, "bob", now())
        .await
        .unwrap();
    let p = store.get_key_prefix().to_owned();
    let mut conn = store.connection().clone();
    let ttl = pttl(&mut conn, &format!("{p}:jd:{{https%3A//as.example:j1}}")).await;
    assert!((1..=5_000).contains(&ttl), "PTTL {ttl}");
    let cutoff = pttl(&mut conn, &format!("{p}:jc:{{https%3A//as.example:bob}}")).await;
    assert_eq!(cutoff, -1, "a cutoff never expires");
    let denied = JwtRecord {
        jti: "j2",
        subject: "bob",
        ..jwt
    };
    assert!(store.jwt_denied(&denied).await.unwrap());
    common::clean(&mut conn, &p).await;
}

#[tokio::test]
async fn status_indexes_expire_with_their_jwt_and_lists_never() {
    use tower_revoke::store::StatusAllocation;
    use tower_revoke::StatusListStore;
    let Some(url) = common::redis_url("status_indexes_expire_with_their_jwt_and_lists_never")
    else {
        return;
    };
    let store = common::store(&url, "status-expiry")
        .await
        .expired_retention(Duration::ZERO);
    let exp = now() + 5;
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [
        {{"token": "JWT", "type": "access_token", "client_id": "app1", "expires_at": {exp}}}]}}"#
    );
    store.seed(&common::seed(&json)).await.unwrap();
    let allocation = StatusAllocation {
        issuer: "as",
        jti: "j1",
        subject: "alice",
        issued_at: now(),
        expires_at: exp,
        capacity: 8,
    };
    let slot = store.allocate_status(&allocation).await.unwrap();
    assert!(store
        .bind_status(slot, &common::token("JWT"))
        .await
        .unwrap());
    let p = store.get_key_prefix().to_owned();
    let mut conn = store.connection().clone();
    let digest = common::digest("JWT").to_hex();
    for index in [
        "sj:{as:j1}",
        "ss:{as:alice}",
        "sx:{as:alice}",
        &format!("ts:{{{digest}}}"),
    ] {
        let ttl = pttl(&mut conn, &format!("{p}:{index}")).await;
        assert!((1..=5_000).contains(&ttl), "{index}: PTTL {ttl}");
    }
    // The allocated indices are never forgotten: no index is reused.
    let lists = format!("{p}:sl:{{{}}}", p.replace(':', "%3A"));
    for key in [lists.clone(), format!("{lists}:1:allocated")] {
        assert_eq!(pttl(&mut conn, &key).await, -1, "{key}");
    }
    common::clean(&mut conn, &p).await;
}
