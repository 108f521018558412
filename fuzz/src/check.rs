//! The checks run on every exchange, as methods of [`Harness`](crate::Harness).

mod answer;
mod state;
