//! axum-core extractors (placeholder, being written).
