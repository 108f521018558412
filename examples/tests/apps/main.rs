//! The example apps driven as their users drive them: each contract over
//! HTTP through the app's own router, the demo's logs and `Debug` output
//! checked for secrets, and the serving loop over real sockets.

mod example;

mod codegen;
mod demo;
mod demo_assertion;
mod demo_jwt;
mod notion;
mod polar;
mod readiness;
mod secret_hygiene;
mod serving;
mod token;
mod token_jwt;
mod voucherify;

use tower_revoke_test_support as support;
