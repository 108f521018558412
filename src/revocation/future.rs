//! [`ResponseFuture`] of [`RevocationEndpoint`](super::RevocationEndpoint).

define_answer_future! {
    /// Response future of [`RevocationEndpoint`](super::RevocationEndpoint):
    /// the inner service's future for other paths, a ready response for
    /// requests refused from their head alone, or the endpoint's own work.
}
