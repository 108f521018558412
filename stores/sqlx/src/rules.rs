//! The revocation decision of RFC 7009 §2.1, in the order
//! [`RevocationStore::revoke`](tower_revoke::RevocationStore::revoke)
//! gives, over the facts a store read about one token. PostgreSQL applies
//! the same rules inside one statement and reports what it did; SQLite
//! reads the facts, asks [`plan`], and writes inside one transaction.

use tower_revoke::{RevocationOutcome, TokenKind};

/// What the store knows about the presented token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub(crate) kind: TokenKind,
    /// Issued to the client that asks.
    pub(crate) own: bool,
    pub(crate) revocable: bool,
    /// Revoked neither itself nor through its grant.
    pub(crate) unrevoked: bool,
    /// `expires_at` is unset or in the future, and the token was never
    /// rotated: a rotated refresh token is treated as an expired one (not
    /// active; revoking it by its client ends its grant).
    pub(crate) unexpired: bool,
    /// Belongs to an authorization grant.
    pub(crate) has_grant: bool,
}

/// What to write for one revocation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Write nothing, answer this.
    Answer(RevocationOutcome),
    /// Revoke the token (and its grant when `end_grant`), answer `Revoked`.
    Revoke { kind: TokenKind, end_grant: bool },
    /// An expired refresh token of the caller: end its grant, answer
    /// `NotFound` (RFC 7009 §2.1 SHOULD).
    EndGrantOnly,
}

/// Decides, given the facts (`None`: no such token) and whether revoking
/// an access token ends its grant.
pub(crate) fn plan(found: Option<Found>, access_token_revokes_grant: bool) -> Plan {
    let Some(t) = found else {
        return Plan::Answer(RevocationOutcome::NotFound);
    };
    let refresh = t.kind == TokenKind::RefreshToken;
    if !(t.unrevoked && t.unexpired) {
        return match t.own && refresh && t.unrevoked && t.has_grant {
            true => Plan::EndGrantOnly,
            false => Plan::Answer(RevocationOutcome::NotFound),
        };
    }
    if !t.own {
        return Plan::Answer(RevocationOutcome::IssuedToAnotherClient);
    }
    if !t.revocable {
        return Plan::Answer(RevocationOutcome::UnsupportedTokenType);
    }
    Plan::Revoke {
        kind: t.kind,
        end_grant: t.has_grant && (refresh || access_token_revokes_grant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refresh() -> Found {
        Found {
            kind: TokenKind::RefreshToken,
            own: true,
            revocable: true,
            unrevoked: true,
            unexpired: true,
            has_grant: true,
        }
    }

    #[test]
    fn ownership_is_decided_before_revocability() {
        let other = Found {
            own: false,
            revocable: false,
            ..refresh()
        };
        assert_eq!(
            plan(Some(other), false),
            Plan::Answer(RevocationOutcome::IssuedToAnotherClient)
        );
    }

    #[test]
    fn expired_refresh_token_of_the_caller_ends_its_grant() {
        let expired = Found {
            unexpired: false,
            ..refresh()
        };
        assert_eq!(plan(Some(expired), false), Plan::EndGrantOnly);
        let foreign = Found {
            own: false,
            ..expired
        };
        assert_eq!(
            plan(Some(foreign), false),
            Plan::Answer(RevocationOutcome::NotFound)
        );
        let revoked = Found {
            unrevoked: false,
            ..expired
        };
        assert_eq!(
            plan(Some(revoked), false),
            Plan::Answer(RevocationOutcome::NotFound)
        );
    }

    #[test]
    fn access_tokens_end_their_grant_only_when_configured() {
        let access = Found {
            kind: TokenKind::AccessToken,
            ..refresh()
        };
        let revoke = |end_grant| Plan::Revoke {
            kind: TokenKind::AccessToken,
            end_grant,
        };
        assert_eq!(plan(Some(access), false), revoke(false));
        assert_eq!(plan(Some(access), true), revoke(true));
    }
}
