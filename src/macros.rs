//! Macros shared by the middleware.

/// `get_ref`, `get_mut` and `into_inner` for a service whose inner service
/// is the field `inner` (or the field path given, such as `mount.inner`),
/// after tower-http's macro of the same name.
macro_rules! define_inner_service_accessors {
    () => {
        define_inner_service_accessors!(inner);
    };
    ($($field:ident).+) => {
        /// The wrapped service.
        pub fn get_ref(&self) -> &S {
            &self.$($field).+
        }

        /// The wrapped service, mutably.
        pub fn get_mut(&mut self) -> &mut S {
            &mut self.$($field).+
        }

        /// Unwraps the inner service.
        pub fn into_inner(self) -> S {
            self.$($field).+
        }
    };
}

/// The public `ResponseFuture<F>` of an endpoint service, with the doc
/// comment given: a newtype over [`Answer`](crate::mount::Answer), after
/// tower's `opaque_future!`, so that each endpoint keeps a future type of
/// its own while the polling is written once. `ResponseFuture::new` wraps
/// an `Answer`.
macro_rules! define_answer_future {
    ($(#[$doc:meta])*) => {
        pin_project_lite::pin_project! {
            $(#[$doc])*
            pub struct ResponseFuture<F> {
                #[pin]
                answer: crate::mount::Answer<F>,
            }
        }

        impl<F> ResponseFuture<F> {
            #[inline]
            pub(crate) fn new(answer: crate::mount::Answer<F>) -> Self {
                Self { answer }
            }
        }

        impl<F, B, E> std::future::Future for ResponseFuture<F>
        where
            F: std::future::Future<Output = Result<http::Response<B>, E>>,
            B: crate::response::EndpointBody,
        {
            type Output = Result<http::Response<B>, E>;

            #[inline]
            fn poll(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Self::Output> {
                self.project().answer.poll(cx)
            }
        }

        impl<F> std::fmt::Debug for ResponseFuture<F> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("ResponseFuture").finish_non_exhaustive()
            }
        }
    };
}
