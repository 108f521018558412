//! What [`IssuanceStore`](crate::IssuanceStore) takes and answers: the
//! other end of a token's life, recording what the app's token endpoint
//! issues and rotating refresh tokens (RFC 6749 §6, RFC 9700 §4.14.2).

use super::{TokenDigest, TokenEntry};
use crate::request::Token;
use std::time::Duration;

/// What registering a client did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Registration {
    /// The client is now registered.
    Registered,
    /// A client with this id was already registered: nothing changed (its
    /// secret, or its being public, stays as it was).
    AlreadyRegistered,
}

/// What loading a seed did ([`IssuanceStore::seed`](crate::IssuanceStore::seed)):
/// how many of its entries were new, already there, or refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SeedReport {
    /// Clients registered by this call.
    pub registered: usize,
    /// Clients the store already had, left as they were.
    pub already_registered: usize,
    /// Tokens recorded by this call.
    pub recorded: usize,
    /// Tokens the store already had, left as they were.
    pub already_recorded: usize,
    /// Tokens refused: already recorded for another client, kind or grant
    /// ([`Recording::Conflict`]), or of a grant that has been revoked
    /// ([`Recording::GrantRevoked`]). Nothing of them was recorded.
    pub refused: usize,
}

impl SeedReport {
    pub(crate) fn count_registration(&mut self, registration: Registration) {
        match registration {
            Registration::Registered => self.registered += 1,
            Registration::AlreadyRegistered => self.already_registered += 1,
        }
    }

    pub(crate) fn count_recording(&mut self, recording: Recording) {
        match recording {
            Recording::Recorded => self.recorded += 1,
            Recording::AlreadyRecorded => self.already_recorded += 1,
            Recording::UnknownClient
            | Recording::Conflict
            | Recording::GrantRevoked
            | Recording::Invalid => self.refused += 1,
        }
    }
}

/// What recording an issued token did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Recording {
    /// The token is now recorded.
    Recorded,
    /// The same token was already recorded, for the same client, kind and
    /// grant: nothing changed (recording is idempotent).
    AlreadyRecorded,
    /// The token's client is not registered: nothing recorded.
    UnknownClient,
    /// The token is already recorded for another client, kind or grant:
    /// nothing changed. A token never moves between clients or grants.
    Conflict,
    /// The token's grant has been revoked: nothing recorded, so an
    /// issuance racing a revocation never brings the grant back.
    GrantRevoked,
    /// The entry is malformed (an empty grant id, subject, label name or
    /// label value, or a scope that is not RFC 6749 §3.3 syntax): nothing
    /// recorded.
    Invalid,
}

/// A refresh token presented to the token endpoint (RFC 6749 §6), with
/// what the app issues in its place: the successor refresh token and,
/// usually, a new access token, both of the presented token's client and
/// grant.
///
/// The successor entries' `client_id` and `grant_id` are the presented
/// token's: the store sets them, whatever the entries say. A successor
/// entry without a subject takes the presented token's, so the new tokens
/// speak for the same resource owner. A successor entry without a scope
/// takes the presented token's: a refresh request that omits `scope` is
/// granted the scope originally granted (RFC 6749 §6).
///
/// A successor entry's own scope is recorded as it is: the store does not
/// check it against the presented token's. The app's token endpoint
/// decides what it grants (RFC 6749 §6): it refuses a requested scope
/// beyond the presented token's (`invalid_scope`, RFC 6749 §5.2) before it
/// rotates, and gives a narrower one to the access token only, leaving
/// the successor refresh token's scope unset, since a new refresh token's
/// scope "MUST be identical" to the presented one's. The presented token's
/// scope is what [`IntrospectionStore::introspect`](crate::IntrospectionStore::introspect)
/// reports for it.
///
/// A refresh token recorded without a grant starts one of its own when it
/// is first rotated (named after the digest of the token), so that its
/// successors are one grant that reuse ends.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// The refresh token the client presented.
    pub presented: Token,
    /// Its successor.
    pub refresh_token: TokenEntry,
    /// The new access token, if the app issues one.
    pub access_token: Option<TokenEntry>,
    /// How long after a refresh token was rotated it may be presented again
    /// without ending its grant (Hydra's "graceful refresh token
    /// rotation"): a client whose response was lost can retry. Each
    /// presentation within the grace period rotates again, to new
    /// tokens in the same grant (the store keeps digests only, so it cannot
    /// hand back the first successor). [`Duration::ZERO`] (the default of
    /// [`Rotation::new`]) turns it off: any second presentation is reuse.
    pub grace: Duration,
}

impl Rotation {
    /// A rotation of `presented` to `refresh_token` (and `access_token`),
    /// without a grace period.
    pub fn new(
        presented: Token,
        refresh_token: TokenEntry,
        access_token: Option<TokenEntry>,
    ) -> Self {
        Self {
            presented,
            refresh_token,
            access_token,
            grace: Duration::ZERO,
        }
    }

    /// The id of the grant the presented refresh token starts when it was
    /// recorded without one and is rotated: `rt:` and the hex of the
    /// token's SHA-256 digest, so that the same token always names the same
    /// grant, on every store.
    pub fn own_grant_id(&self) -> String {
        format!("rt:{}", TokenDigest::of(&self.presented).to_hex())
    }

    /// The grace period (see [`grace`](Self::grace)).
    #[must_use]
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }
}

/// What rotating a refresh token did (RFC 6749 §6, RFC 9700 §4.14.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RotationOutcome {
    /// The presented token is now rotated and its successors are recorded
    /// in its grant: answer with them.
    Rotated,
    /// The presented token had already been rotated, past the grace period:
    /// it was reused, so every token of its grant is now revoked
    /// (`revoked` of them were still active) and nothing was recorded. Answer
    /// `invalid_grant` (RFC 6749 §5.2).
    Reused {
        /// How many tokens of the grant this ended.
        revoked: u64,
    },
    /// Not a refresh token of this client that can be refreshed: unknown,
    /// expired, revoked, another client's, or an access token. Nothing
    /// changed. Answer `invalid_grant`.
    InvalidGrant,
    /// A successor is already recorded, or malformed: nothing changed. The
    /// app minted a token twice; generate each with
    /// [`Token::generate`](crate::request::Token::generate).
    Conflict,
}
