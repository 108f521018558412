//! What the database holds after the demo issued and rotated tokens: no
//! issued token and no client secret in raw form (issue 19). The dump is
//! the SQLite file with its `-wal` and `-shm`, `pg_dump` of the database,
//! or Redis's keys with their values and `DUMP`s (see [`Store::dump`]);
//! read while the demo runs, before any checkpoint.
//!
//! Checked for each issued access and refresh token and each client secret
//! of the seed (`s3cr3t`, `0th3r-s3cr3t`): its raw text, its lowercase hex
//! (how `pg_dump` writes `bytea`) and its standard base64 (of the whole
//! value only: base64 of a value inside a longer text is spelled
//! otherwise, and is not checked). The seed's own tokens (`AT1`, `RT1`)
//! are not issued by the endpoint, and three letters may occur in a
//! binary file by chance: they are not checked. So that the check cannot
//! pass on an empty or unrelated dump, each issued token's SHA-256 digest
//! must be in it (raw bytes in SQLite, hex in `pg_dump` and Redis keys).

use super::stores::Store;
use super::{client_credentials, refresh};
use base64::Engine;
use tower_revoke_test_support::store::digest;

const CLIENT_SECRETS: [&str; 2] = ["s3cr3t", "0th3r-s3cr3t"];

on_stores!(dump_holds_no_secret:
    sqlite_file_holds_no_issued_token_or_client_secret => Sqlite,
    postgres_dump_holds_no_issued_token_or_client_secret => Postgres,
    redis_keys_and_values_hold_no_issued_token_or_client_secret => Redis,
);

async fn dump_holds_no_secret(store: Store) {
    let demo = store.demo(&[]).await;
    let own = client_credentials(&demo).await;
    let first = refresh(&demo, "RT1").await;
    let newest = refresh(&demo, &first.refresh).await;
    let issued = [
        own,
        first.access,
        first.refresh,
        newest.access,
        newest.refresh,
    ];

    let dump = store.dump().await;
    for token in &issued {
        let digest = digest(token);
        let (raw, hex) = (digest.as_bytes(), digest.to_hex());
        assert!(
            contains(&dump, raw) || contains(&dump, hex.as_bytes()),
            "the dump holds the record of every issued token"
        );
    }
    for secret in issued.iter().map(String::as_str).chain(CLIENT_SECRETS) {
        for spelling in spellings(secret) {
            assert!(
                !contains(&dump, spelling.as_bytes()),
                "the dump holds {secret:?}, spelt {spelling:?}"
            );
        }
    }
}

/// `secret` raw, in lowercase hex and in standard base64.
fn spellings(secret: &str) -> [String; 3] {
    let hex = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
    [secret.to_owned(), hex, base64]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
