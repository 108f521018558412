//! FastAPI-compatible error bodies (placeholder, being written).
