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

/// The impl blocks of an endpoint service `$name<S, St>` whose one field is
/// `mount: Mount<S, St, $config>`: `new`, `layer` and the inner-service
/// accessors, `Clone`, `Debug`, and `Service`, which forwards readiness to
/// the mount and wraps its answer in the endpoint's own `ResponseFuture`.
/// `St` must be `$($bound)+`.
macro_rules! define_endpoint_service {
    ($name:ident, $config:ty, $layer:ident, $($bound:tt)+) => {
        impl<S, St> $name<S, St> {
            pub(crate) fn from_parts(
                inner: S,
                store: std::sync::Arc<St>,
                config: std::sync::Arc<$config>,
            ) -> Self {
                Self {
                    mount: crate::mount::Mount::new(inner, store, config),
                }
            }

            /// An endpoint in front of `inner` with the default configuration.
            pub fn new(inner: S, store: St) -> Self
            where
                St: $($bound)+,
            {
                Self::from_parts(inner, std::sync::Arc::new(store), std::sync::Arc::default())
            }

            #[doc = concat!("A [`", stringify!($layer), "`] with the default configuration.")]
            pub fn layer(store: St) -> $layer<St>
            where
                St: $($bound)+,
            {
                $layer::new(store)
            }

            define_inner_service_accessors!(mount.inner);
        }

        impl<S: Clone, St> Clone for $name<S, St> {
            fn clone(&self) -> Self {
                Self {
                    mount: self.mount.clone(),
                }
            }
        }

        impl<S: std::fmt::Debug, St> std::fmt::Debug for $name<S, St> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.mount.debug(stringify!($name), f)
            }
        }

        impl<S, St, ReqBody, ResBody> tower_service::Service<http::Request<ReqBody>> for $name<S, St>
        where
            S: tower_service::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
            St: $($bound)+,
            ReqBody: http_body::Body + Send + 'static,
            ReqBody::Data: Send,
            ReqBody::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
            ResBody: crate::response::EndpointBody,
        {
            type Response = http::Response<ResBody>;
            type Error = S::Error;
            type Future = ResponseFuture<S::Future>;

            #[inline]
            fn poll_ready(
                &mut self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Result<(), Self::Error>> {
                self.mount.poll_ready(cx)
            }

            #[inline]
            fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
                ResponseFuture::new(self.mount.call(request))
            }
        }
    };
}

/// [`JwtDenyList`](crate::JwtDenyList) for a store wrapper `$ty<St>` whose
/// wrapped store is `get_ref()`: every call forwarded, unchanged.
#[cfg(any(feature = "cache", feature = "jwt"))]
macro_rules! forward_jwt_deny_list {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        impl<St: crate::store::JwtDenyList> crate::store::JwtDenyList for $ty<St> {
            async fn deny_jwt(
                &self,
                jwt: &crate::store::JwtRecord<'_>,
                until: u64,
            ) -> Result<bool, crate::store::StoreError> {
                self.get_ref().deny_jwt(jwt, until).await
            }

            async fn jwt_denied(
                &self,
                jwt: &crate::store::JwtRecord<'_>,
            ) -> Result<bool, crate::store::StoreError> {
                self.get_ref().jwt_denied(jwt).await
            }

            fn jwt_denied_now(
                &self,
                jwt: &crate::store::JwtRecord<'_>,
            ) -> Option<Result<bool, crate::store::StoreError>> {
                self.get_ref().jwt_denied_now(jwt)
            }

            async fn deny_subject_jwts(
                &self,
                issuer: &str,
                subject: &str,
                cutoff: u64,
            ) -> Result<(), crate::store::StoreError> {
                self.get_ref().deny_subject_jwts(issuer, subject, cutoff).await
            }
        }
    };
}
