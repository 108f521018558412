//! [`StatusListStore`]: the statuses an issuer publishes in Token Status
//! Lists (draft-ietf-oauth-status-list-20), kept beside the revocations
//! that decide them, with its dyn-compatible twin.

use super::{BoxFuture, StoreError};
use crate::request::Token;
use std::future::Future;
use std::sync::Arc;

/// The largest capacity of a status list a store is asked for: 2^24
/// statuses (2 MiB of 1-bit statuses before compression).
pub const MAX_STATUS_LIST_CAPACITY: u32 = 1 << 24;

/// What the issuer knows of a JWT access token it is about to sign, to
/// allocate its status (draft-ietf-oauth-status-list-20 §6.2): the claims
/// that [`JwtDenyList`](crate::JwtDenyList) revocations match, and the
/// capacity of a list opened for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusAllocation<'a> {
    /// `iss`.
    pub issuer: &'a str,
    /// `jti`: [`deny_jwt`](crate::JwtDenyList::deny_jwt) of (`issuer`,
    /// `jti`) makes the status INVALID.
    pub jti: &'a str,
    /// `sub`: [`deny_subject_jwts`](crate::JwtDenyList::deny_subject_jwts)
    /// of (`issuer`, `subject`) at or after `issued_at` makes the status
    /// INVALID.
    pub subject: &'a str,
    /// `iat`, Unix seconds.
    pub issued_at: u64,
    /// `exp`, Unix seconds.
    pub expires_at: u64,
    /// The capacity of a list opened for this allocation: a multiple of 8
    /// from 8 to [`MAX_STATUS_LIST_CAPACITY`] (§13.4: "divisible in bytes").
    /// A list keeps the capacity it was opened with.
    pub capacity: u32,
}

impl StatusAllocation<'_> {
    /// Whether `capacity` is one a store accepts.
    pub fn capacity_is_valid(&self) -> bool {
        is_valid_capacity(self.capacity)
    }
}

/// Whether `capacity` is a list capacity a store accepts: a multiple of 8
/// from 8 to [`MAX_STATUS_LIST_CAPACITY`].
pub const fn is_valid_capacity(capacity: u32) -> bool {
    capacity >= 8 && capacity.is_multiple_of(8) && capacity <= MAX_STATUS_LIST_CAPACITY
}

/// Where a token's status is kept: a list (numbered from 1) and an index
/// into it (§6.2 `idx`). The list's URI is the issuer's to make
/// (`status_list::StatusListPublisher::uri`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusSlot {
    /// The list's number, from 1.
    pub list: u64,
    /// The index in the list, below its capacity.
    pub idx: u32,
}

/// A list as the store holds it: its capacity, its version, and the
/// indices whose status is INVALID, ascending. Every other index is VALID
/// (an index never allocated too: §13.3, "an unused index value can not be
/// distinguished from a valid Referenced Token").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListState {
    /// How many statuses the list holds.
    pub capacity: u32,
    /// Changes whenever `invalid` does (and may change when it does not);
    /// never goes back. The same as [`StatusListStore::status_list_version`]
    /// answered at the moment `invalid` was read.
    pub version: u64,
    /// The INVALID indices, ascending, each below `capacity`.
    pub invalid: Vec<u32>,
}

/// The statuses of the JWT access tokens an issuer mints
/// (draft-ietf-oauth-status-list-20), kept by the store that keeps their
/// revocations, so that a status is INVALID in the same commit as the
/// revocation that decides it.
///
/// A status starts VALID and becomes INVALID, for good, when:
/// - its (`issuer`, `jti`) is denied ([`JwtDenyList::deny_jwt`](crate::JwtDenyList::deny_jwt));
/// - its subject's cutoff for its issuer reaches its `issued_at`
///   ([`JwtDenyList::deny_subject_jwts`](crate::JwtDenyList::deny_subject_jwts)),
///   whether the cutoff was set before or after the allocation;
/// - the token [bound](Self::bind_status) to it is revoked by the store,
///   itself or with its grant (a revoked refresh token's cascade, a reused
///   refresh token's end, a subject's revocation, with or without labels).
///
/// The issuer's own guard and introspection, which read the same
/// revocations, and the list agree at every step: once a revocation is
/// answered, [`status_list`](Self::status_list) shows it on every instance
/// sharing the store. Statuses are 1 bit (VALID, INVALID): SUSPENDED and
/// other status types are not kept.
///
/// Allocation follows §12.4, §12.5 and §13.3: indices are chosen at random within
/// a list, never sequential, and never allocated twice ("The Status Issuer
/// MUST prevent any unintended double allocation"; this store never
/// reuses an index, even after its token expired). A list that has no
/// free index after a few random draws is full, and the next list is
/// opened.
///
/// Every shipped store implements it; the conformance kit checks it
/// (`testkit::Conformance::run_with_status_lists`). Times are Unix
/// seconds by the store's clock.
pub trait StatusListStore: Send + Sync + 'static {
    /// Allocates a status for the JWT `allocation` describes: a random
    /// index, never allocated before, of the newest list; when that list
    /// has no free index after [`ALLOCATION_DRAWS`] random draws ([`random_indices`]) (or there is no list yet),
    /// of a new list of `allocation.capacity` statuses, numbered one past
    /// the newest. Atomic: concurrent allocations, on any instance
    /// sharing the store, get distinct slots.
    ///
    /// The status is VALID unless the subject's cutoff already covers
    /// `issued_at`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails, or for a capacity that is not
    /// [valid](StatusAllocation::capacity_is_valid) (nothing allocated).
    fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> impl Future<Output = Result<StatusSlot, StoreError>> + Send;

    /// Binds `slot` to `token`, the JWT signed with it, once the token is
    /// recorded ([`IssuanceStore::record_token`](crate::IssuanceStore::record_token),
    /// or as a rotation's access token): from then on the token's record
    /// decides the status too. Call it before the token leaves the token
    /// endpoint. When the record is already revoked (its grant ended
    /// between recording and binding), the status is INVALID at once.
    /// `false` when `slot` was never allocated or is bound already
    /// (nothing changed).
    fn bind_status(
        &self,
        slot: StatusSlot,
        token: &Token,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The version of `list` ([`StatusListState::version`]), `None` for a
    /// list never opened: one cheap read, for a publisher deciding whether
    /// its signed token is still current.
    fn status_list_version(
        &self,
        list: u64,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// `list` as it is now, `None` for a list never opened.
    fn status_list(
        &self,
        list: u64,
    ) -> impl Future<Output = Result<Option<StatusListState>, StoreError>> + Send;

    /// The numbers of every list opened, ascending: what the Status List
    /// Aggregation (§9) links to.
    fn status_lists(&self) -> impl Future<Output = Result<Vec<u64>, StoreError>> + Send;
}

/// [`StatusListStore`], dyn-compatible: `Arc<dyn DynStatusListStore>`
/// implements [`StatusListStore`]. Implemented for every
/// [`StatusListStore`].
pub trait DynStatusListStore: Send + Sync + 'static {
    /// [`StatusListStore::allocate_status`], boxed.
    fn allocate_status<'a>(
        &'a self,
        allocation: &'a StatusAllocation<'a>,
    ) -> BoxFuture<'a, Result<StatusSlot, StoreError>>;

    /// [`StatusListStore::bind_status`], boxed.
    fn bind_status<'a>(
        &'a self,
        slot: StatusSlot,
        token: &'a Token,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// [`StatusListStore::status_list_version`], boxed.
    fn status_list_version(&self, list: u64) -> BoxFuture<'_, Result<Option<u64>, StoreError>>;

    /// [`StatusListStore::status_list`], boxed.
    fn status_list(&self, list: u64) -> BoxFuture<'_, Result<Option<StatusListState>, StoreError>>;

    /// [`StatusListStore::status_lists`], boxed.
    fn status_lists(&self) -> BoxFuture<'_, Result<Vec<u64>, StoreError>>;
}

impl<T: StatusListStore> DynStatusListStore for T {
    fn allocate_status<'a>(
        &'a self,
        allocation: &'a StatusAllocation<'a>,
    ) -> BoxFuture<'a, Result<StatusSlot, StoreError>> {
        Box::pin(StatusListStore::allocate_status(self, allocation))
    }

    fn bind_status<'a>(
        &'a self,
        slot: StatusSlot,
        token: &'a Token,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(StatusListStore::bind_status(self, slot, token))
    }

    fn status_list_version(&self, list: u64) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        Box::pin(StatusListStore::status_list_version(self, list))
    }

    fn status_list(&self, list: u64) -> BoxFuture<'_, Result<Option<StatusListState>, StoreError>> {
        Box::pin(StatusListStore::status_list(self, list))
    }

    fn status_lists(&self) -> BoxFuture<'_, Result<Vec<u64>, StoreError>> {
        Box::pin(StatusListStore::status_lists(self))
    }
}

impl StatusListStore for dyn DynStatusListStore {
    async fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        DynStatusListStore::allocate_status(self, allocation).await
    }

    async fn bind_status(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        DynStatusListStore::bind_status(self, slot, token).await
    }

    async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        DynStatusListStore::status_list_version(self, list).await
    }

    async fn status_list(&self, list: u64) -> Result<Option<StatusListState>, StoreError> {
        DynStatusListStore::status_list(self, list).await
    }

    async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        DynStatusListStore::status_lists(self).await
    }
}

/// Implements [`StatusListStore`] for a pointer type by deref.
macro_rules! forward_status_list_store {
    ($($ptr:ty),+) => {$(
        impl<T: ?Sized + StatusListStore> StatusListStore for $ptr {
            fn allocate_status(
                &self,
                allocation: &StatusAllocation<'_>,
            ) -> impl Future<Output = Result<StatusSlot, StoreError>> + Send {
                StatusListStore::allocate_status(&**self, allocation)
            }

            fn bind_status(
                &self,
                slot: StatusSlot,
                token: &Token,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                StatusListStore::bind_status(&**self, slot, token)
            }

            fn status_list_version(
                &self,
                list: u64,
            ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send {
                StatusListStore::status_list_version(&**self, list)
            }

            fn status_list(
                &self,
                list: u64,
            ) -> impl Future<Output = Result<Option<StatusListState>, StoreError>> + Send {
                StatusListStore::status_list(&**self, list)
            }

            fn status_lists(&self) -> impl Future<Output = Result<Vec<u64>, StoreError>> + Send {
                StatusListStore::status_lists(&**self)
            }
        }
    )+};
}

forward_status_list_store!(Arc<T>, Box<T>, &'static T);

/// How many random indices an allocation tries in the newest list before
/// it opens a new one.
pub const ALLOCATION_DRAWS: usize = 16;

/// [`ALLOCATION_DRAWS`] indices below `capacity`, drawn at random from the
/// operating system's source (each a 64-bit draw reduced modulo
/// `capacity`, so the bias is below 2^-40 for any capacity up to
/// [`MAX_STATUS_LIST_CAPACITY`]): the indices a store tries, in turn, for
/// one allocation.
///
/// # Panics
/// When the operating system's random source fails, as
/// [`Token::generate`] does.
pub fn random_indices(capacity: u32) -> [u32; ALLOCATION_DRAWS] {
    let mut bytes = [0u8; ALLOCATION_DRAWS * 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    let capacity = u64::from(capacity.max(1));
    std::array::from_fn(|i| {
        let draw = u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        (draw % capacity) as u32
    })
}

/// A [`StatusListStore`] chosen at run time: an `Arc<dyn
/// DynStatusListStore>` in a type of its own. Use it, rather than the
/// `Arc` itself, as the store of a
/// `status_list::StatusIssuer` whose futures must be `Send` (served by
/// axum or hyper): rustc cannot prove a future holding an `Arc<dyn ..>`
/// `Send` through the trait's impl for `dyn DynStatusListStore`
/// (rust-lang/rust#110338), and a plain struct sidesteps it, as
/// [`BoxStore`](super::BoxStore) does for the other traits.
///
/// ```
/// use tower_revoke::store::BoxStatusListStore;
/// use tower_revoke::MemoryStore;
///
/// let store = BoxStatusListStore::new(MemoryStore::new());
/// # let _ = store;
/// ```
#[derive(Clone)]
pub struct BoxStatusListStore(Arc<dyn DynStatusListStore>);

impl BoxStatusListStore {
    /// `store`, boxed.
    pub fn new(store: impl StatusListStore) -> Self {
        Self(Arc::new(store))
    }

    /// A store already boxed.
    pub fn from_arc(store: Arc<dyn DynStatusListStore>) -> Self {
        Self(store)
    }
}

impl std::fmt::Debug for BoxStatusListStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxStatusListStore(..)")
    }
}

impl StatusListStore for BoxStatusListStore {
    async fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        DynStatusListStore::allocate_status(&*self.0, allocation).await
    }

    async fn bind_status(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        DynStatusListStore::bind_status(&*self.0, slot, token).await
    }

    async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        DynStatusListStore::status_list_version(&*self.0, list).await
    }

    async fn status_list(&self, list: u64) -> Result<Option<StatusListState>, StoreError> {
        DynStatusListStore::status_list(&*self.0, list).await
    }

    async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        DynStatusListStore::status_lists(&*self.0).await
    }
}
