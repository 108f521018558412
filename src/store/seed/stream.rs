//! Reading a seed file entry by entry, never holding it whole: a store of
//! millions of tokens loads its seed in little more memory than the store
//! itself takes (`cargo bench --bench memory`).

use super::{check_token, ClientEntry, RawClient, RawToken, Seed, SeedError, TokenEntry};
use crate::client::ClientId;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// What a reading hands each typed entry to, in document order; an error
/// stops the reading and is what it returns.
trait EntrySink {
    fn client(&mut self, i: usize, client: ClientEntry) -> Result<(), SeedError>;
    fn token(&mut self, i: usize, token: TokenEntry) -> Result<(), SeedError>;
}

impl Seed {
    /// The clients of the seed file at `path`, without its tokens: the
    /// file is read entry by entry and each token is checked and dropped,
    /// so a seed of millions of tokens is never held in memory.
    ///
    /// Everything [`from_file`](Self::from_file) checks is checked, but
    /// for a token appearing twice, which is not refused.
    ///
    /// # Errors
    /// As [`from_file`](Self::from_file)'s, starting with the path.
    pub fn clients_from_file(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        Ok(CheckedSeedFile::check(path)?.clients)
    }
}

/// A seed file (format: [`Seed`]) that passed every check of
/// [`Seed::from_file`] but for duplicate tokens, read entry by entry, one
/// entry held at a time: its path, its clients and how many tokens it
/// lists. [`MemoryStore::load_checked_seed_file`](crate::MemoryStore::load_checked_seed_file)
/// loads it with one more reading, for its tokens; an app that also needs
/// the clients (say, for their `allowed_origins`) takes them from here
/// instead of reading the file a third time.
///
/// The check holds for the file as it was read: should it change before
/// the load, an entry the load refuses stops the loading there.
///
/// ```
/// use tower_revoke::store::CheckedSeedFile;
/// use tower_revoke::MemoryStore;
///
/// # let dir = std::env::temp_dir().join(format!("seed-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("seed.json");
/// std::fs::write(&path, r#"{
///   "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
///   "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1"}]
/// }"#).unwrap();
///
/// let file = CheckedSeedFile::check(&path).unwrap();
/// assert_eq!(file.clients().clients().len(), 1);
/// assert_eq!(file.tokens(), 1);
/// let store = MemoryStore::with_capacity(file.tokens());
/// let report = store.load_checked_seed_file(&file).unwrap();
/// assert_eq!((report.registered, report.recorded), (1, 1));
/// assert!(store.is_active("AT1"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct CheckedSeedFile {
    path: PathBuf,
    clients: Seed,
    tokens: usize,
}

impl CheckedSeedFile {
    /// Reads the seed file at `path` once, entry by entry, and checks it.
    ///
    /// # Errors
    /// As [`Seed::from_file`]'s, starting with the path, but for a token
    /// listed twice, which is not refused.
    pub fn check(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let path = path.as_ref();
        let mut check = Check::default();
        read_file(path, &mut check)?;
        let unknown = check.unknown.iter();
        let unknown = unknown.filter(|(id, _)| !check.ids.contains(*id));
        if let Some((id, &i)) = unknown.min_by_key(|(_, i)| **i) {
            return Err(SeedError::unknown_client(i, id).in_file(path));
        }
        Ok(Self {
            path: path.to_owned(),
            clients: Seed {
                clients: check.clients,
                tokens: Vec::new(),
            },
            tokens: check.tokens,
        })
    }

    /// The path it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its clients, as a seed without tokens.
    pub fn clients(&self) -> &Seed {
        &self.clients
    }

    /// How many tokens it lists, a token listed twice counted twice.
    pub fn tokens(&self) -> usize {
        self.tokens
    }
}

/// Hands each token of the seed file at `path` to `each`, in document
/// order, one at a time. Checks each entry alone; call [`check_file`]
/// first for the rest.
pub(crate) fn for_each_token(path: &Path, each: impl FnMut(TokenEntry)) -> Result<(), SeedError> {
    struct Each<F>(F);

    impl<F: FnMut(TokenEntry)> EntrySink for Each<F> {
        fn client(&mut self, _: usize, _: ClientEntry) -> Result<(), SeedError> {
            Ok(())
        }

        fn token(&mut self, i: usize, token: TokenEntry) -> Result<(), SeedError> {
            check_token(i, &token)?;
            (self.0)(token);
            Ok(())
        }
    }

    read_file(path, &mut Each(each))
}

/// What [`check_file`] gathers: the clients, their ids, the client ids of
/// tokens read before their client was (with the first such token's
/// index), and the count of tokens.
#[derive(Default)]
struct Check {
    clients: Vec<ClientEntry>,
    ids: HashSet<ClientId>,
    unknown: HashMap<ClientId, usize>,
    tokens: usize,
}

impl EntrySink for Check {
    fn client(&mut self, i: usize, client: ClientEntry) -> Result<(), SeedError> {
        if !self.ids.insert(client.client_id.clone()) {
            return Err(SeedError::duplicate_client(i));
        }
        self.clients.push(client);
        Ok(())
    }

    fn token(&mut self, i: usize, token: TokenEntry) -> Result<(), SeedError> {
        check_token(i, &token)?;
        if !self.ids.contains(&token.client_id) {
            self.unknown.entry(token.client_id).or_insert(i);
        }
        self.tokens += 1;
        Ok(())
    }
}

/// Reads the seed file at `path` once, handing each typed entry to `sink`.
/// Syntax and type errors are located as [`Seed::from_json`] locates them.
fn read_file(path: &Path, sink: &mut dyn EntrySink) -> Result<(), SeedError> {
    let file = File::open(path).map_err(|e| SeedError::io(e).in_file(path))?;
    let mut json = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    let mut track = serde_path_to_error::Track::new();
    let mut stopped = None;
    let document = Document {
        sink,
        stopped: &mut stopped,
    };
    let read = document.deserialize(serde_path_to_error::Deserializer::new(
        &mut json, &mut track,
    ));
    let read = read.and_then(|()| json.end());
    read.map_err(|error| match stopped {
        Some(refused) => refused.in_file(path),
        None => {
            let error = serde_path_to_error::Error::new(track.path(), error);
            SeedError::from_serde(error).in_file(path)
        }
    })
}

/// The keys of a seed document; any other is refused.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Clients,
    Tokens,
}

/// The document: an object of the two optional lists, each read once.
struct Document<'a> {
    sink: &'a mut dyn EntrySink,
    stopped: &'a mut Option<SeedError>,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a seed object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut clients, mut tokens) = (false, false);
        while let Some(field) = map.next_key::<Field>()? {
            let (seen, name, list) = match field {
                Field::Clients => (&mut clients, "clients", List::Clients),
                Field::Tokens => (&mut tokens, "tokens", List::Tokens),
            };
            if std::mem::replace(seen, true) {
                return Err(de::Error::duplicate_field(name));
            }
            map.next_value_seed(Entries {
                list,
                sink: &mut *self.sink,
                stopped: &mut *self.stopped,
            })?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum List {
    Clients,
    Tokens,
}

/// One of the lists, entry by entry.
struct Entries<'a> {
    list: List,
    sink: &'a mut dyn EntrySink,
    stopped: &'a mut Option<SeedError>,
}

impl<'de> DeserializeSeed<'de> for Entries<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for i in 0.. {
            let handed = match self.list {
                List::Clients => match seq.next_element::<RawClient>()? {
                    Some(raw) => raw.typed(i).and_then(|c| self.sink.client(i, c)),
                    None => break,
                },
                List::Tokens => match seq.next_element::<RawToken>()? {
                    Some(raw) => raw.typed(i).and_then(|t| self.sink.token(i, t)),
                    None => break,
                },
            };
            if let Err(refused) = handed {
                *self.stopped = Some(refused);
                return Err(de::Error::custom("entry refused"));
            }
        }
        Ok(())
    }
}
