//! The storage behind the endpoints: one small trait per capability, the
//! values they exchange, digests for stores that must not keep tokens or
//! secrets, [`MemoryStore`], and the seed format every store loads.
//!
//! | Trait | Needed by |
//! |---|---|
//! | [`RevocationStore`] | [`RevocationEndpointLayer`](crate::RevocationEndpointLayer) |
//! | [`IntrospectionStore`] | [`BearerAuthLayer`](crate::BearerAuthLayer) |
//! | [`SubjectRevocationStore`] | bulk revocation ("log this user out everywhere") |
//! | [`JwtDenyList`] | revoking JWT access tokens (RFC 9068) through `jwt::JwtStore` (feature `jwt`) |
//! | [`BoxStore`] ([`DynStore`]) | choosing a store at run time |

mod deny_list;
mod digest;
mod dyn_store;
mod entry;
#[cfg(feature = "listen")]
mod listen;
mod memory;
mod notice;
mod seed;
mod traits;
mod types;

pub use deny_list::{JwtDenyList, JwtRecord};
pub use digest::{SecretDigest, StoredClient, TokenDigest};
pub use dyn_store::{BoxFuture, BoxStore, DynStore};
pub use entry::{ClientEntry, TokenEntry};
#[cfg(feature = "listen")]
#[cfg_attr(docsrs, doc(cfg(feature = "listen")))]
pub use listen::{NoticeListener, NoticeSource};
pub use memory::MemoryStore;
pub use notice::{Invalidate, RevocationNotice};
pub use seed::{Seed, SeedError};
pub use traits::{IntrospectionStore, RevocationStore, SubjectRevocationStore};
pub use types::{
    ActiveToken, AuthenticatedClient, ClientType, RevocationOutcome, StoreError, TokenKind,
};
