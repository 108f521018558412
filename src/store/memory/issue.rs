//! [`IssuanceStore`] for [`MemoryStore`]: registering clients, recording
//! issued tokens, rotating refresh tokens with reuse detection.

use super::fingerprint::Fingerprint;
use super::record::{now, now_ms, Details, Grant, GrantTokens, Record};
use super::{grant_key, Client, MemoryStore};
use crate::client::ClientId;
use crate::store::{
    AuthenticatedClient, ClientEntry, IssuanceStore, Recording, Registration, Rotation,
    RotationOutcome, SecretDigest, StoreError, TokenEntry, TokenKind,
};
use std::sync::Arc;

impl IssuanceStore for MemoryStore {
    async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        Ok(self.register(client))
    }

    async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        Ok(self.record_entry(token.clone()))
    }

    async fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        Ok(self.rotate(client, rotation))
    }
}

impl MemoryStore {
    /// Registers `client` (see [`IssuanceStore::register_client`]).
    pub(super) fn register(&self, client: &ClientEntry) -> Registration {
        let stored = Client {
            id: Arc::new(client.client_id.clone()),
            secret: client.client_secret.as_ref().map(SecretDigest::of),
            keys: client.keys.clone(),
        };
        let key = self.shared.fingerprinter.of(client.client_id.as_str());
        match self.shared.clients.insert_new(key, stored) {
            true => Registration::Registered,
            false => Registration::AlreadyRegistered,
        }
    }

    /// Records `entry` (see [`IssuanceStore::record_token`]).
    pub(super) fn record_entry(&self, entry: TokenEntry) -> Recording {
        if !entry.is_well_formed() {
            return Recording::Invalid;
        }
        let shared = &*self.shared;
        let client_key = shared.fingerprinter.of(entry.client_id.as_str());
        let Some(client) = shared.clients.with(&client_key, |c| Arc::clone(&c.id)) else {
            return Recording::UnknownClient;
        };
        let grant = entry.grant_id.as_deref().map(|grant_id| {
            let key = grant_key(&shared.fingerprinter, &entry.client_id, grant_id);
            shared.grants.upsert(&key, |grant| Arc::clone(grant))
        });
        match &grant {
            Some(grant) => self.insert_locked(entry, client, Some((grant, &mut grant.tokens()))),
            None => self.insert_locked(entry, client, None),
        }
    }

    /// Records `entry` for `client` (whatever its `client_id` says) in
    /// `grant` (whatever its `grant_id` says), with the grant's token list
    /// locked by the caller: the one place a token enters the store. The
    /// lock makes the revoked check a barrier: a cascade takes the same
    /// lock before it revokes the grant.
    fn insert_locked(
        &self,
        entry: TokenEntry,
        client: Arc<ClientId>,
        grant: Option<(&Arc<Grant>, &mut GrantTokens)>,
    ) -> Recording {
        let shared = &*self.shared;
        let fingerprint = shared.fingerprinter.of(entry.token.secret());
        let (kind, owner) = (entry.kind, Arc::clone(&client));
        let grant_arc = grant.as_ref().map(|(grant, _)| *grant);
        let same = |record: &Record| {
            let same_grant = match (&record.grant, grant_arc) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            record.client_id == owner && record.kind == kind && same_grant
        };
        let existing = |fingerprint| shared.tokens.with(&fingerprint, same);
        if let Some(same) = existing(fingerprint) {
            return if same {
                Recording::AlreadyRecorded
            } else {
                Recording::Conflict
            };
        }
        if grant_arc.is_some_and(|grant| grant.is_revoked()) {
            return Recording::GrantRevoked;
        }
        let expires_at = entry.expires_at.unwrap_or(u64::MAX);
        let mut record = Record::new(client, entry.kind, expires_at, entry.revocable);
        record.grant = grant_arc.cloned();
        let subject: Option<Arc<str>> = entry.subject.map(Into::into);
        let scope: Option<Arc<str>> = entry.scope.map(Into::into);
        if subject.is_some() || scope.is_some() || !entry.labels.is_empty() {
            let labels = entry.labels.into_iter();
            let labels = labels.map(|(n, v)| (n.into(), v.into())).collect();
            let subject = subject.clone();
            let details = Details {
                subject,
                scope,
                labels,
            };
            record.details = Some(shared.details.intern(Arc::new(details)));
        }
        if !shared.tokens.insert_new(fingerprint, record) {
            // Recorded meanwhile by another call: that one decides.
            return match existing(fingerprint) {
                Some(true) => Recording::AlreadyRecorded,
                _ => Recording::Conflict,
            };
        }
        if let Some((_, members)) = grant {
            members.push(fingerprint);
        }
        if let Some(subject) = subject {
            shared
                .subjects
                .upsert(&*subject, |tokens| tokens.push(fingerprint));
        }
        Recording::Recorded
    }

    /// Rotates `rotation.presented` (see
    /// [`IssuanceStore::rotate_refresh_token`]). Everything happens under
    /// the grant's lock, so rotations, recordings and cascades of one
    /// grant follow each other: the first rotation marks the token and
    /// records its successors before any later one finds the mark and
    /// decides between a grace rotation and reuse (reuse too once the
    /// grant has ended, whatever the grace period).
    fn rotate(&self, client: &AuthenticatedClient, rotation: &Rotation) -> RotationOutcome {
        let shared = &*self.shared;
        let (now, now_ms) = (now(), now_ms());
        let presented = rotation.presented.secret();
        let fingerprint = shared.fingerprinter.of(presented);
        let successors = [
            Some(&rotation.refresh_token),
            rotation.access_token.as_ref(),
        ];
        let kinds = rotation.refresh_token.kind == TokenKind::RefreshToken
            && (rotation.access_token.as_ref()).is_none_or(|a| a.kind == TokenKind::AccessToken);
        let fresh = |entry: &TokenEntry| {
            let key = shared.fingerprinter.of(entry.token.secret());
            entry.is_well_formed() && shared.tokens.with(&key, |_| ()).is_none()
        };
        if !kinds || !successors.into_iter().flatten().all(fresh) {
            return RotationOutcome::Conflict;
        }
        // A client's refresh token that is live, or was rotated: presenting
        // a rotated one again is reuse even once its grant has ended.
        let presentable = |record: &Record| {
            record.kind == TokenKind::RefreshToken
                && *record.client_id == client.client_id
                && (record.is_live(now) || record.is_rotated())
        };
        let found = shared.tokens.with(&fingerprint, |record| {
            let lineage = || (record.subject().cloned(), record.scope().cloned());
            let owner = Arc::clone(&record.client_id);
            presentable(record).then(|| (record.grant.clone(), owner, lineage()))
        });
        let Some(Some((grant, owner, (subject, scope)))) = found else {
            return RotationOutcome::InvalidGrant;
        };
        let grant = grant.unwrap_or_else(|| self.own_grant(client, rotation));
        let mut members = grant.tokens();
        let first = shared.tokens.with(&fingerprint, |record| {
            if record.is_live(now) {
                record.rotate(now_ms)
            } else {
                Err(0)
            }
        });
        let Some(first) = first else {
            return RotationOutcome::InvalidGrant;
        };
        if let Err(rotated_at) = first {
            let grace_ms = u64::try_from(rotation.grace.as_millis()).unwrap_or(u64::MAX);
            let elapsed = now_ms.saturating_sub(rotated_at);
            if rotation.grace.is_zero() || elapsed > grace_ms || grant.is_revoked() {
                let revoked = self.end_grant(&grant, &members, fingerprint, now);
                let ended = members.iter().chain([&fingerprint]);
                shared.statuses.tokens_revoked(ended);
                return RotationOutcome::Reused { revoked };
            }
        }
        for entry in successors.into_iter().flatten() {
            let mut entry = entry.clone();
            entry.client_id = client.client_id.clone();
            if entry.subject.is_none() {
                entry.subject = subject.as_deref().map(str::to_owned);
            }
            if entry.scope.is_none() {
                entry.scope = scope.as_deref().map(str::to_owned);
            }
            self.insert_locked(entry, Arc::clone(&owner), Some((&grant, &mut members)));
        }
        RotationOutcome::Rotated
    }

    /// The grant a refresh token recorded without one starts when it is
    /// rotated: named after the token's digest, so the same token always
    /// finds the same grant.
    fn own_grant(&self, client: &AuthenticatedClient, rotation: &Rotation) -> Arc<Grant> {
        let shared = &*self.shared;
        let key = grant_key(
            &shared.fingerprinter,
            &client.client_id,
            &rotation.own_grant_id(),
        );
        shared.grants.upsert(&key, |grant| Arc::clone(grant))
    }

    /// Revokes `grant` (whose token list `members` the caller holds
    /// locked) and the reused token `reused`, which may lie outside it;
    /// returns how many tokens this ended.
    fn end_grant(
        &self,
        grant: &Grant,
        members: &[Fingerprint],
        reused: Fingerprint,
        now: u64,
    ) -> u64 {
        let shared = &*self.shared;
        let reused_ended = shared.tokens.with(&reused, |record| {
            let in_grant = record
                .grant
                .as_deref()
                .is_some_and(|g| std::ptr::eq(g, grant));
            !in_grant && record.is_live(now) && record.revoke()
        });
        let live = |fp: &Fingerprint| shared.tokens.with(fp, |r: &Record| r.is_live(now));
        let ended = members.iter().filter(|fp| live(fp) == Some(true)).count() as u64;
        let ended = if grant.revoke() { ended } else { 0 };
        ended + u64::from(reused_ended == Some(true))
    }
}
