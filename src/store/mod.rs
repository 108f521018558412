//! The storage behind the endpoints: what a store keeps and exchanges
//! beside the store traits, which live at the crate root.
//!
//! | Trait (crate root) | Needed by | As a trait object |
//! |---|---|---|
//! | [`RevocationStore`] | [`RevocationEndpointLayer`](crate::RevocationEndpointLayer) | [`DynRevocationStore`] |
//! | [`IntrospectionStore`] | [`BearerAuthLayer`](crate::BearerAuthLayer), [`IntrospectionEndpointLayer`](crate::IntrospectionEndpointLayer) | [`DynIntrospectionStore`] |
//! | [`SubjectRevocationStore`] | bulk revocation ("log this user out everywhere") | [`DynSubjectRevocationStore`] |
//! | [`JwtDenyList`] | revoking JWT access tokens (RFC 9068) through `jwt::JwtStore` (feature `jwt`) | [`DynJwtDenyList`] |
//! | [`IssuanceStore`] | your token endpoint: recording what it issues, rotating refresh tokens | [`DynIssuanceStore`] |
//! | [`StatusListStore`] | Token Status Lists: the statuses of the JWTs you mint, published for resource servers (feature `status-list`) | [`DynStatusListStore`] |
//! | the first four | choosing a store at run time | [`BoxStore`] ([`DynStore`]) |
//!
//! Here: digests for stores that must not keep tokens or secrets
//! ([`TokenDigest`], [`SecretDigest`]) and the client authentication
//! decision over them ([`StoredClient`]); what a deny-list records
//! ([`JwtRecord`]); revocation notices for caches ([`RevocationNotice`],
//! [`Invalidate`]); and the seed format every store loads ([`Seed`],
//! [`ClientEntry`], [`TokenEntry`]).
//!
//! # Trait objects
//! Each store trait has a dyn-compatible twin whose methods return boxed
//! futures, so that an app can choose its store at run time, and a store
//! with only some of the capabilities can be boxed (see the table above).
//! Every store implementing a trait implements its twin (a blanket impl),
//! so `Arc::new(store) as Arc<dyn DynRevocationStore>` boxes it; `Box` and
//! `&'static` work alike. Each call through a twin allocates its boxed
//! future once, next to a database round trip;
//! [`introspect_now`](crate::IntrospectionStore::introspect_now) and
//! [`jwt_denied_now`](crate::JwtDenyList::jwt_denied_now), the guard's fast path,
//! are forwarded without an allocation.
//!
//! The twins' methods have the store traits' names: a module that imports
//! a twin *and* its trait and calls the method on a concrete store must
//! say which it means (`RevocationStore::revoke(&store, ..)`). Naming the
//! twin in a type (`Arc<dyn tower_revoke::store::DynRevocationStore>`)
//! needs no import.
//!
//! ```
//! use std::sync::Arc;
//! use tower_revoke::store::DynRevocationStore;
//! use tower_revoke::{MemoryStore, RevocationEndpointLayer};
//!
//! // A store with only the revocation capability would box the same way.
//! let store: Arc<dyn DynRevocationStore> = Arc::new(MemoryStore::new());
//! let endpoint = RevocationEndpointLayer::new(store);
//! # let _ = endpoint;
//! ```

mod assertion;
pub(crate) mod client;
#[cfg(feature = "rt")]
mod completion;
mod digest;
mod erased;
pub(crate) mod error;
mod issuance;
mod keys;
#[cfg(feature = "listen")]
mod listen;
pub(crate) mod memory;
mod notice;
pub(crate) mod outcome;
mod seed;
mod status;
pub(crate) mod token;
pub(crate) mod traits;

pub use assertion::{ClientAssertionStore, DynClientAssertionStore};
pub use client::StoredClient;
#[cfg(feature = "rt")]
#[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
pub use completion::run_to_completion;
pub use digest::{SecretDigest, TokenDigest};
pub use erased::{
    BoxFuture, BoxStore, DynIntrospectionStore, DynIssuanceStore, DynJwtDenyList,
    DynRevocationStore, DynStore, DynSubjectRevocationStore,
};
pub use issuance::{Recording, Registration, Rotation, RotationOutcome, SeedReport};
pub use keys::{AssertionDigest, AssertionUse, ClientKeys, InvalidKeys};
#[cfg(feature = "listen")]
#[cfg_attr(docsrs, doc(cfg(feature = "listen")))]
pub use listen::{NoticeListener, NoticeSource};
pub use notice::{Invalidate, RevocationNotice};
pub use seed::{CheckedSeedFile, ClientEntry, Seed, SeedError, TokenEntry};
pub use status::{
    is_valid_capacity, random_indices, BoxStatusListStore, DynStatusListStore, StatusAllocation,
    StatusListState, StatusListStore, StatusSlot, ALLOCATION_DRAWS, MAX_STATUS_LIST_CAPACITY,
};
pub use traits::JwtRecord;

#[cfg(feature = "status-list")]
pub(crate) use digest::hex;
pub(crate) use seed::is_origin;

// Public at the crate root only.
pub(crate) use client::{AuthenticatedClient, ClientType};
pub(crate) use error::StoreError;
#[cfg(test)]
pub(crate) use memory::MemoryStore;
pub(crate) use outcome::RevocationOutcome;
pub(crate) use token::{ActiveToken, TokenKind};
pub(crate) use traits::{
    IntrospectionStore, IssuanceStore, JwtDenyList, RevocationStore, SubjectRevocationStore,
};
