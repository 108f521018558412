//! The store's seed: its clients and tokens as `MemoryStore` loads them
//! (JSON) and as the model knows them (constants), and the values the
//! fuzzer can name in one byte.

/// The endpoint's path.
pub const PATH: &str = "/revoke";

/// The seed of the `MemoryStore` under test.
pub const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "app2", "client_secret": "p+a:s%s w"},
    {"client_id": "pub1"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1"},
    {"token": "AT2", "type": "access_token", "client_id": "app2"},
    {"token": "PAT1", "type": "access_token", "client_id": "pub1"},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "revocable": false},
    {"token": "oldrt", "type": "refresh_token", "client_id": "app1", "grant_id": "G2", "expires_at": 1000},
    {"token": "AT3", "type": "access_token", "client_id": "app1", "grant_id": "G2"},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "grant_id": "G1"},
    {"token": "RT2", "type": "refresh_token", "client_id": "app2", "grant_id": "G1"}
  ]
}"#;

/// The seed's clients: id and secret (`None`: public).
pub const CLIENTS: &[(&str, Option<&str>)] = &[
    ("app1", Some("s3cr3t")),
    ("app2", Some("p+a:s%s w")),
    ("pub1", None),
];

/// Whether `client` is one of the seed's confidential clients.
pub fn confidential(client: &str) -> bool {
    CLIENTS.iter().any(|(id, s)| *id == client && s.is_some())
}

/// One of the seed's tokens, as the model knows it.
#[derive(Clone, Copy)]
pub struct Seeded {
    pub token: &'static str,
    pub client: &'static str,
    pub grant: Option<&'static str>,
    pub refresh: bool,
    pub revocable: bool,
    pub expired: bool,
}

const fn seeded(
    token: &'static str,
    client: &'static str,
    grant: Option<&'static str>,
    [refresh, revocable, expired]: [bool; 3],
) -> Seeded {
    Seeded {
        token,
        client,
        grant,
        refresh,
        revocable,
        expired,
    }
}

/// The seed's tokens: value, client, grant, and whether each is a refresh
/// token, revocable, expired.
pub const TOKENS: &[Seeded] = &[
    seeded("AT1", "app1", Some("G1"), [false, true, false]),
    seeded("RT1", "app1", Some("G1"), [true, true, false]),
    seeded("AT2", "app2", None, [false, true, false]),
    seeded("PAT1", "pub1", None, [false, true, false]),
    seeded("jwt", "app1", None, [false, false, false]),
    seeded("old", "app1", None, [false, true, true]),
    seeded("jwt1", "app1", Some("G1"), [false, false, false]),
    seeded("oldrt", "app1", Some("G2"), [true, true, true]),
    seeded("AT3", "app1", Some("G2"), [false, true, false]),
    seeded("OT1", "app2", Some("G1"), [false, true, false]),
    seeded("RT2", "app2", Some("G1"), [true, true, false]),
];

/// Values the fuzzer can name in one byte, so it reaches success paths.
pub const KNOWN: &[&str] = &[
    "app1",
    "app2",
    "pub1",
    "nobody",
    "s3cr3t",
    "p+a:s%s w",
    "wrong",
    "AT1",
    "RT1",
    "AT2",
    "PAT1",
    "jwt",
    "old",
    "nope",
    "access_token",
    "refresh_token",
    "jwt1",
    "oldrt",
    "AT3",
    "OT1",
    "RT2",
];
