//! What the two endpoint middlewares share: a service that answers the
//! requests at its path itself and forwards every other request to the
//! inner service untouched, and the response future of both.
//!
//! The revocation endpoint ([`crate::revocation`]) and the introspection
//! endpoint ([`crate::introspection`]) differ only in how they answer a
//! request at their path; each says so by implementing [`Endpoint`] for its
//! configuration. Their public services and `ResponseFuture`s wrap
//! [`Mount`] and [`Answer`], so each keeps types of its own while the
//! forwarding, the readiness and the polling are written once.

mod future;
mod head;
mod service;

pub(crate) use future::Answer;
pub(crate) use head::refuse_head;
pub(crate) use service::{Endpoint, Mount, RequestBody};
