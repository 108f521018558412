//! What the fuzz targets share: the `endpoint` target's input, requests,
//! body, service calls, model of the store and checks (its invariants are
//! in `fuzz_targets/endpoint.rs`), and the form and Basic encodings that
//! the parser targets use too.

mod body;
mod check;
mod harness;
mod input;
mod model;
mod request;
mod seed;
mod service;

pub use harness::Harness;
pub use input::Input;
pub use request::{basic_authorization, form_encode, Exchange};
