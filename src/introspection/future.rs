//! [`ResponseFuture`] of [`IntrospectionEndpoint`](super::IntrospectionEndpoint).

define_answer_future! {
    /// Response future of
    /// [`IntrospectionEndpoint`](super::IntrospectionEndpoint): the inner
    /// service's future for other paths, a ready response for requests
    /// refused from their head alone, or the endpoint's own work.
}
