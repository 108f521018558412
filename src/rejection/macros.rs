//! `define_rejection!` and `composite_rejection!`, after axum-core's macros
//! of the same names: one leaf type per failure, grouped in enums.

/// A unit leaf rejection with a fixed status, error code and description.
macro_rules! define_rejection {
    (
        #[status = $status:ident]
        #[code = $code:ident]
        #[description = $description:literal]
        $(#[$attr:meta])*
        pub struct $name:ident;
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;

        impl $name {
            /// The HTTP status this rejection renders with.
            pub const fn status(&self) -> http::StatusCode {
                http::StatusCode::$status
            }

            /// The RFC 6749 §5.2 `error` code.
            pub const fn error_code(&self) -> $crate::response::ErrorCode {
                $crate::response::ErrorCode::$code
            }

            /// The `error_description`: short, ASCII, never echoing input.
            pub const fn description(&self) -> &'static str {
                $description
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.description())
            }
        }

        impl std::error::Error for $name {}
    };
}

/// A `#[non_exhaustive]` enum of leaf rejections that delegates to them.
macro_rules! composite_rejection {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $($(#[$vattr:meta])* $variant:ident,)+
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vattr])* $variant($variant),)+
        }

        impl $name {
            /// The HTTP status this rejection renders with.
            pub const fn status(&self) -> http::StatusCode {
                match self { $(Self::$variant(inner) => inner.status(),)+ }
            }

            /// The RFC 6749 §5.2 `error` code.
            pub const fn error_code(&self) -> $crate::response::ErrorCode {
                match self { $(Self::$variant(inner) => inner.error_code(),)+ }
            }

            /// The `error_description`: short, ASCII, never echoing input.
            pub const fn description(&self) -> &'static str {
                match self { $(Self::$variant(inner) => inner.description(),)+ }
            }
        }

        $(
            impl From<$variant> for $name {
                fn from(inner: $variant) -> Self {
                    Self::$variant(inner)
                }
            }
        )+

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.description())
            }
        }

        impl std::error::Error for $name {}
    };
}
