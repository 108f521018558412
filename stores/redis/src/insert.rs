//! Writing clients and tokens: what is stored already is left exactly as
//! it is.

use crate::assertion::keys_field;
use crate::error::unexpected;
use crate::record::{field, KEYS_ONLY_CLIENT, PUBLIC_CLIENT, SHA256};
use crate::scripts::{ADD_MEMBER, INSERT, REGISTER};
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::ScriptInvocation;
use tower_revoke::store::{ClientEntry, Registration, SecretDigest, TokenDigest, TokenEntry};
use tower_revoke::StoreError;

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Stores a client unless its id is taken, by one [`REGISTER`] on its
    /// slot: its key (the digest of its secret; [`KEYS_ONLY_CLIENT`]
    /// without a secret but with keys; [`PUBLIC_CLIENT`] with neither) and
    /// its keys, written together. An existing client is left exactly as
    /// it is (its secret and keys are never replaced).
    pub(crate) async fn register(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        let value = match (&client.client_secret, &client.keys) {
            (Some(secret), _) => {
                let digest = SecretDigest::of(secret);
                let hex = TokenDigest::from_bytes(*digest.as_bytes()).to_hex();
                format!("{SHA256}{hex}")
            }
            (None, Some(_)) => KEYS_ONLY_CLIENT.to_owned(),
            (None, None) => PUBLIC_CLIENT.to_owned(),
        };
        let mut register = REGISTER.key(self.keys.client(&client.client_id));
        register.key(self.keys.client_keys(&client.client_id));
        register.arg(value);
        if let Some(keys) = &client.keys {
            let (field, value) = keys_field(keys);
            register.arg(field).arg(value);
        }
        let registered: i64 = self.bounded(self.invoke(&register)).await?;
        Ok(match registered {
            1 => Registration::Registered,
            _ => Registration::AlreadyRegistered,
        })
    }

    /// The [`INSERT`] of `entry` as the token of `owner` (a client id and
    /// grant id, which may differ from the entry's), of `subject` and with
    /// `scope` (which may too), its keys expiring at `expiry` (Unix
    /// milliseconds; `None` for never); `ended` writes it ended with its
    /// grant.
    pub(crate) fn insert(
        &self,
        entry: &TokenEntry,
        (client_id, grant_id): (&str, Option<&str>),
        (subject, scope): (Option<&str>, Option<&str>),
        expiry: Option<u64>,
        ended: bool,
    ) -> ScriptInvocation<'static> {
        let mut insert = INSERT.key(self.keys.token(&TokenDigest::of(&entry.token)));
        insert.arg(expiry.map(|ms| ms.to_string()).unwrap_or_default());
        insert.arg(field::CLIENT).arg(client_id);
        insert.arg(field::KIND).arg(entry.kind.as_str());
        insert.arg(field::REVOCABLE).arg(u8::from(entry.revocable));
        if let Some(grant) = grant_id {
            insert.arg(field::GRANT).arg(grant);
        }
        if let Some(subject) = subject {
            insert.arg(field::SUB).arg(subject);
        }
        if let Some(scope) = scope {
            insert.arg(field::SCOPE).arg(scope);
        }
        if let Some(expires_at) = entry.expires_at {
            insert.arg(field::EXP).arg(expires_at);
        }
        for (name, value) in &entry.labels {
            insert.arg(format!("{}{name}", field::LABEL)).arg(value);
        }
        if ended {
            insert.arg(field::ENDED).arg(1);
        }
        insert
    }

    /// [`ADD_MEMBER`] on a subject's index.
    pub(crate) fn subject_index(&self, subject: &str) -> ScriptInvocation<'static> {
        ADD_MEMBER.key(self.keys.subject(subject))
    }

    /// [`ADD_MEMBER`] on client `client_id`'s grant `grant_id`, with its
    /// `ended` flag.
    pub(crate) fn grant_index(&self, client_id: &str, grant_id: &str) -> ScriptInvocation<'static> {
        let mut index = ADD_MEMBER.key(self.keys.grant(client_id, grant_id));
        index.key(self.keys.grant_ended(client_id, grant_id));
        index
    }

    /// Runs [`ADD_MEMBER`] for `members` (digest, score pairs); `true` if
    /// the grant is ended. With `barrier`, an ended grant admits nothing.
    pub(crate) async fn add_member(
        &self,
        mut index: ScriptInvocation<'_>,
        members: &[(&str, &str)],
        now_ms: u64,
        barrier: bool,
    ) -> Result<bool, StoreError> {
        index.arg(now_ms).arg(u8::from(barrier));
        for (member, score) in members {
            index.arg(*member).arg(*score);
        }
        let ended: i64 = self.invoke(&index).await?;
        Ok(ended == 1)
    }
}

/// What [`INSERT`] replies: whether it wrote the token, and whose token
/// the stored hash is (empty strings for absent fields).
#[derive(Default)]
pub(crate) struct Stored {
    pub(crate) inserted: bool,
    pub(crate) client: String,
    pub(crate) grant: String,
    pub(crate) kind: String,
}

impl Stored {
    pub(crate) fn from_reply(reply: Vec<String>) -> Result<Self, StoreError> {
        let Ok([inserted, client, grant, kind]) = <[String; 4]>::try_from(reply) else {
            return Err(unexpected("token insertion"));
        };
        Ok(Self {
            inserted: inserted == "1",
            client,
            grant,
            kind,
        })
    }
}
