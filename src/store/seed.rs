//! Seed documents for [`MemoryStore`](super::MemoryStore): the JSON format
//! (documented on [`MemoryStore::from_seed_json`](super::MemoryStore::from_seed_json)),
//! its loader and its error.

mod entries;
mod entry;
mod json;
mod stream;

pub use entry::{TokenEntry, TokenKind};
pub(super) use stream::{load, load_file};

use std::fmt;
use std::io;
use std::path::PathBuf;

/// The problem with a string that must not be empty.
const NON_EMPTY: &str = "expected a non-empty string";
/// The problem with a client id or secret ([`ClientId::new`](crate::ClientId::new)
/// refused it).
const PRINTABLE: &str = "expected a non-empty string without control characters";

/// A seed document, or an entry inserted into a
/// [`MemoryStore`](super::MemoryStore), that could not be loaded.
///
/// `Display` says where and what, on one line:
/// `tokens[3].type: expected "access_token" or "refresh_token"`,
/// `clients[1].client_id: duplicate client id`,
/// `tokens[0].client_id: unknown client "x"`,
/// `tokens[0]: unknown field "colour"`,
/// `invalid JSON: EOF while parsing a list at line 4 column 0`,
/// `cannot read seed file seed.json: No such file or directory (os error 2)`.
/// Errors of [`from_seed_file`](super::MemoryStore::from_seed_file) name
/// the file: content errors start with its path. The underlying I/O or JSON error is part of the
/// message, so [`source`](std::error::Error::source) is `None`.
///
/// # Security
/// Neither `Display` nor `Debug` ever contains a token or a client secret
/// (a duplicate token is reported as `tokens[2].token: duplicate token`).
/// Client ids and field names are printed.
#[derive(Debug)]
pub struct SeedError {
    file: Option<PathBuf>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Io(io::Error),
    Syntax(serde_json::Error),
    /// `at` is a location such as `tokens[3].type`; empty for the document.
    Entry {
        at: String,
        problem: String,
    },
}

impl SeedError {
    /// An error about the field at `at` (relative to the entry being read).
    pub(super) fn entry(at: &str, problem: impl Into<String>) -> Self {
        let (at, problem) = (at.to_owned(), problem.into());
        Self {
            file: None,
            kind: Kind::Entry { at, problem },
        }
    }

    /// The same error, located inside `outer` (`"tokens[3]"`).
    fn within(mut self, outer: &str) -> Self {
        if let Kind::Entry { at, .. } = &mut self.kind {
            *at = match at.is_empty() {
                true => outer.to_owned(),
                false => format!("{outer}.{at}"),
            };
        }
        self
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.kind) {
            (Some(file), Kind::Io(err)) => {
                return write!(f, "cannot read seed file {}: {err}", file.display())
            }
            (Some(file), _) => write!(f, "{}: ", file.display())?,
            (None, _) => {}
        }
        match &self.kind {
            Kind::Io(err) => write!(f, "cannot read seed file: {err}"),
            Kind::Syntax(err) => write!(f, "invalid JSON: {err}"),
            Kind::Entry { at, problem } if at.is_empty() => f.write_str(problem),
            Kind::Entry { at, problem } => write!(f, "{at}: {problem}"),
        }
    }
}

impl std::error::Error for SeedError {}
