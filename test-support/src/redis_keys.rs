//! Reading every key of a Redis database as it is, for the tests that
//! check what a store keeps there (no raw token, no raw secret) and how
//! seeding leaves it.

use redis::aio::ConnectionLike;
use redis::Value;

/// The keys matching `pattern` (`SCAN MATCH`, for example `prefix:*`),
/// sorted and without repeats (`SCAN` may return a key twice).
pub async fn keys<C: ConnectionLike>(conn: &mut C, pattern: &str) -> Vec<String> {
    let mut cursor = 0_u64;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await
            .expect("SCAN");
        keys.extend(batch);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    keys.sort();
    keys.dedup();
    keys
}

/// `key`'s type and its whole value, read by the command of its type
/// (`GET`, `HGETALL`, `ZRANGE ... WITHSCORES`, `SMEMBERS`, `LRANGE`);
/// `None` when it expired meanwhile.
///
/// # Panics
/// On a type the stores never write, or a failed command.
pub async fn read<C: ConnectionLike>(conn: &mut C, key: &str) -> Option<(String, Value)> {
    let kind: String = redis::cmd("TYPE").arg(key).query_async(conn).await.unwrap();
    let command = match kind.as_str() {
        "string" => redis::cmd("GET").arg(key).clone(),
        "hash" => redis::cmd("HGETALL").arg(key).clone(),
        "zset" => redis::cmd("ZRANGE")
            .arg(key)
            .arg(0)
            .arg(-1)
            .arg("WITHSCORES")
            .clone(),
        "set" => redis::cmd("SMEMBERS").arg(key).clone(),
        "list" => redis::cmd("LRANGE").arg(key).arg(0).arg(-1).clone(),
        "none" => return None,
        other => panic!("unexpected key type {other} of {key}"),
    };
    let value: Value = command.query_async(conn).await.unwrap();
    Some((kind, value))
}
