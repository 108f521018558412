//! The rules of [`IssuanceStore`](tower_revoke::IssuanceStore) both
//! stores share, over the facts they read: which entries may be recorded,
//! what recording a token answers, and what a presented refresh token's
//! rotation does. `MemoryStore` (tower-revoke's `store/memory/issue.rs`)
//! defines them; the conformance kit checks them.
//!
//! Each store reads the facts and writes inside one transaction that locks
//! what the decision depends on (PostgreSQL: row locks; SQLite: the write
//! lock of `BEGIN IMMEDIATE`), so the decision cannot go stale before the
//! write.

use crate::rows::{since_epoch, TokenRow};
use std::time::Duration;
use tower_revoke::store::{Recording, Rotation, RotationOutcome, TokenEntry};
use tower_revoke::TokenKind;

/// Unix milliseconds, at least 1, from this process's clock: when a
/// refresh token was rotated (`rotated_at`).
pub(crate) fn now_ms() -> i64 {
    let ms = i64::try_from(since_epoch().as_millis()).unwrap_or(i64::MAX);
    ms.max(1)
}

/// What a store read about a token it is asked to record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordFacts {
    /// The token's client is registered.
    pub(crate) client: bool,
    /// The token is stored already: `Some(true)` for the same client, kind
    /// and grant.
    pub(crate) existing: Option<bool>,
    /// The entry names no grant, or its grant is not revoked.
    pub(crate) grant_open: bool,
}

impl RecordFacts {
    /// Why the token is not recorded, in `MemoryStore`'s order; `None`
    /// when it may be (for a well-formed entry).
    pub(crate) fn refusal(self) -> Option<Recording> {
        match self.existing {
            _ if !self.client => Some(Recording::UnknownClient),
            Some(true) => Some(Recording::AlreadyRecorded),
            Some(false) => Some(Recording::Conflict),
            None if !self.grant_open => Some(Recording::GrantRevoked),
            None => None,
        }
    }
}

/// The successors of a rotation as rows (their client and grant are set
/// by the store to the presented token's, and so are the subject and scope
/// of one sent without them).
pub(crate) struct Successors {
    pub(crate) refresh_token: TokenRow,
    pub(crate) access_token: Option<TokenRow>,
}

impl Successors {
    /// The rows of `rotation`'s successors; `None` when one is malformed or
    /// of the wrong kind ([`RotationOutcome::Conflict`]). An access token
    /// equal to the refresh token is dropped: `MemoryStore` records the
    /// refresh token and nothing more.
    pub(crate) fn of(rotation: &Rotation) -> Option<Self> {
        let refresh = &rotation.refresh_token;
        let access = rotation.access_token.as_ref();
        let kinds = refresh.kind == TokenKind::RefreshToken
            && access.is_none_or(|a| a.kind == TokenKind::AccessToken);
        if !kinds || !refresh.is_well_formed() || !access.is_none_or(TokenEntry::is_well_formed) {
            return None;
        }
        let refresh_token = TokenRow::of(refresh);
        let access_token = access
            .map(TokenRow::of)
            .filter(|row| row.digest != refresh_token.digest);
        Some(Self {
            refresh_token,
            access_token,
        })
    }

    /// Every row, the refresh token first.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn rows(&self) -> impl Iterator<Item = &TokenRow> {
        std::iter::once(&self.refresh_token).chain(&self.access_token)
    }
}

/// What a store read, with the presented token's row locked, about a
/// presented refresh token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Presented {
    /// A refresh token of the presenting client.
    pub(crate) own_refresh: bool,
    /// Neither expired nor revoked itself.
    pub(crate) unexpired_unrevoked: bool,
    /// Its grant (its own, `rt:...`, for a token recorded without one) is
    /// not revoked, or has no row yet.
    pub(crate) grant_open: bool,
    /// When it was first rotated (Unix milliseconds), if it was.
    pub(crate) rotated_at: Option<i64>,
}

/// What to do with a rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Change nothing, answer this.
    Answer(RotationOutcome),
    /// Mark the token rotated unless it is, record the successors in its
    /// grant, answer [`RotationOutcome::Rotated`]: a first rotation, or a
    /// presentation within the grace period.
    Rotate,
    /// Reuse: revoke the grant, and the presented token when it lies
    /// outside it; answer [`RotationOutcome::Reused`].
    Reuse,
}

/// Decides a rotation, given whether a successor is stored already, the
/// presented token's facts (`None`: no such token), the grace period and
/// the time. `MemoryStore`'s order: a taken successor first, then a token
/// that cannot be presented, then reuse (a rotated token presented past
/// the grace period, or once its grant or itself has ended).
pub(crate) fn step(
    successor_taken: bool,
    presented: Option<Presented>,
    grace: Duration,
    now_ms: i64,
) -> Step {
    if successor_taken {
        return Step::Answer(RotationOutcome::Conflict);
    }
    let Some(token) = presented.filter(|token| token.own_refresh) else {
        return Step::Answer(RotationOutcome::InvalidGrant);
    };
    let live = token.unexpired_unrevoked && token.grant_open;
    match token.rotated_at {
        None if live => Step::Rotate,
        None => Step::Answer(RotationOutcome::InvalidGrant),
        Some(_) if !live || grace.is_zero() => Step::Reuse,
        Some(rotated_at) => {
            let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
            match now_ms.saturating_sub(rotated_at) > grace_ms {
                true => Step::Reuse,
                false => Step::Rotate,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_revoke::client::ClientId;
    use tower_revoke::request::Token;

    fn entry(token: &str, kind: TokenKind) -> TokenEntry {
        let client = ClientId::new("app1").unwrap();
        TokenEntry::new(Token::new(token).unwrap(), kind, client)
    }

    fn live() -> Presented {
        Presented {
            own_refresh: true,
            unexpired_unrevoked: true,
            grant_open: true,
            rotated_at: None,
        }
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn recording_refusals_come_in_the_memory_stores_order() {
        let facts = |client, existing, grant_open| RecordFacts {
            client,
            existing,
            grant_open,
        };
        let refusal = |f: RecordFacts| f.refusal();
        assert_eq!(
            refusal(facts(false, Some(true), false)),
            Some(Recording::UnknownClient)
        );
        assert_eq!(
            refusal(facts(true, Some(true), false)),
            Some(Recording::AlreadyRecorded)
        );
        assert_eq!(
            refusal(facts(true, Some(false), true)),
            Some(Recording::Conflict)
        );
        assert_eq!(
            refusal(facts(true, None, false)),
            Some(Recording::GrantRevoked)
        );
        assert_eq!(refusal(facts(true, None, true)), None);
    }

    #[test]
    fn successors_must_be_well_formed_and_of_their_kind() {
        let rotation = |refresh: TokenEntry, access: Option<TokenEntry>| {
            Rotation::new(Token::new("RT").unwrap(), refresh, access)
        };
        let refresh = || entry("R2", TokenKind::RefreshToken);
        let access = || entry("A2", TokenKind::AccessToken);
        assert!(Successors::of(&rotation(refresh(), Some(access()))).is_some());
        assert!(Successors::of(&rotation(access(), None)).is_none());
        assert!(Successors::of(&rotation(refresh(), Some(refresh()))).is_none());
        let malformed = access().with_subject("");
        assert!(Successors::of(&rotation(refresh(), Some(malformed))).is_none());
        let same = entry("R2", TokenKind::AccessToken);
        let successors = Successors::of(&rotation(refresh(), Some(same))).unwrap();
        assert_eq!(successors.rows().count(), 1, "the refresh token only");
    }

    #[test]
    fn a_live_token_rotates_once_then_is_reuse() {
        assert_eq!(step(false, Some(live()), Duration::ZERO, 10), Step::Rotate);
        let rotated = Presented {
            rotated_at: Some(5),
            ..live()
        };
        assert_eq!(step(false, Some(rotated), Duration::ZERO, 5), Step::Reuse);
        assert_eq!(
            step(true, Some(live()), Duration::ZERO, 10),
            Step::Answer(RotationOutcome::Conflict),
            "a taken successor is decided first"
        );
    }

    #[test]
    fn only_the_clients_live_refresh_tokens_rotate() {
        let invalid = Step::Answer(RotationOutcome::InvalidGrant);
        assert_eq!(step(false, None, HOUR, 10), invalid);
        let other = Presented {
            own_refresh: false,
            rotated_at: Some(5),
            ..live()
        };
        assert_eq!(step(false, Some(other), HOUR, 10), invalid);
        let expired = Presented {
            unexpired_unrevoked: false,
            ..live()
        };
        assert_eq!(step(false, Some(expired), HOUR, 10), invalid);
        let ended = Presented {
            grant_open: false,
            ..live()
        };
        assert_eq!(step(false, Some(ended), HOUR, 10), invalid);
    }

    #[test]
    fn the_grace_period_ends_with_its_last_millisecond_or_the_grant() {
        let rotated = Presented {
            rotated_at: Some(1_000),
            ..live()
        };
        let grace = Duration::from_millis(500);
        assert_eq!(step(false, Some(rotated), grace, 1_500), Step::Rotate);
        assert_eq!(step(false, Some(rotated), grace, 1_501), Step::Reuse);
        let ended = Presented {
            grant_open: false,
            ..rotated
        };
        assert_eq!(step(false, Some(ended), grace, 1_100), Step::Reuse);
        let revoked = Presented {
            unexpired_unrevoked: false,
            ..rotated
        };
        assert_eq!(step(false, Some(revoked), grace, 1_100), Step::Reuse);
    }
}
