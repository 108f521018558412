//! The storage behind the endpoints: what a store keeps and exchanges
//! beside the store traits, which live at the crate root.
//!
//! | Trait (crate root) | Needed by | As a trait object |
//! |---|---|---|
//! | [`RevocationStore`](crate::store::RevocationStore) | [`RevocationEndpointLayer`](crate::revocation::RevocationEndpointLayer) | [`DynRevocationStore`] |
//! | [`IntrospectionStore`](crate::store::IntrospectionStore) | [`BearerAuthLayer`](crate::guard::BearerAuthLayer), [`IntrospectionEndpointLayer`](crate::introspection::IntrospectionEndpointLayer) | [`DynIntrospectionStore`] |
//! | [`SubjectRevocationStore`](crate::store::SubjectRevocationStore) | bulk revocation ("log this user out everywhere") | [`DynSubjectRevocationStore`] |
//! | [`JwtDenyList`](crate::store::JwtDenyList) | revoking JWT access tokens (RFC 9068) through `jwt::JwtStore` (feature `jwt`) | [`DynJwtDenyList`] |
//! | all four | choosing a store at run time | [`BoxStore`] ([`DynStore`]) |
//!
//! Here: digests for stores that must not keep tokens or secrets
//! ([`TokenDigest`], [`SecretDigest`]) and the client authentication
//! decision over them ([`StoredClient`]); what a deny-list records
//! ([`JwtRecord`]); revocation notices for caches ([`RevocationNotice`],
//! [`Invalidate`]); and the seed format every store loads ([`Seed`],
//! [`ClientEntry`], [`TokenEntry`]).

pub(crate) mod client;
mod digest;
mod erased;
pub(crate) mod error;
pub(crate) mod memory;
mod notice;
pub(crate) mod outcome;
mod seed;
pub(crate) mod token;
pub(crate) mod traits;

pub use client::StoredClient;
pub use digest::{SecretDigest, TokenDigest};
pub use erased::{
    BoxFuture, BoxStore, DynIntrospectionStore, DynJwtDenyList, DynRevocationStore, DynStore,
    DynSubjectRevocationStore,
};
pub use notice::{Invalidate, RevocationNotice};
pub use seed::{ClientEntry, Seed, SeedError, TokenEntry};
pub use traits::JwtRecord;

// Public at the crate root only.
pub(crate) use client::{AuthenticatedClient, ClientType};
pub(crate) use error::StoreError;
#[cfg(test)]
pub(crate) use memory::MemoryStore;
pub(crate) use outcome::RevocationOutcome;
pub(crate) use token::{ActiveToken, TokenKind};
pub(crate) use traits::{IntrospectionStore, JwtDenyList, RevocationStore, SubjectRevocationStore};
