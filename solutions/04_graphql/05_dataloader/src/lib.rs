//! # GraphQL: batching with a data loader (the N+1 problem)
//!
//! Resolvers are written one field at a time, and that is their trap. Asked for
//! `{ posts { title author { name } } }`, the `author` resolver runs once per post, and each
//! run looks its user up: 1 query for the posts, then N for their authors. With 100 posts,
//! 101 round trips to the database where 2 would do. It is chapter 05's N+1 problem, made
//! worse because no one wrote the loop: the executor did.
//!
//! The fix is a **data loader** (the pattern of Facebook's DataLoader, used by every GraphQL
//! server). Resolvers do not fetch; they *ask* the loader for a key and get the value later.
//! The executor resolves a query level by level: every author of every post is asked for
//! first, then the loader is *dispatched* once, and fetches all the keys it was asked for in
//! one call to a `BatchSource` (a `WHERE id IN (...)`, a batch API). Then the next level.
//! One call per level, whatever N is.
//!
//! What the loader does:
//!
//! - **load(key)** queues the key, once: a key asked for twice (two posts by one author) is
//!   fetched once, and a key already loaded is not queued at all: its result is cached.
//! - **dispatch()** fetches every queued key in the order first asked, in batches of at most
//!   `max_batch` keys (a database has a limit on parameters, an API on request size), and
//!   caches each key's result: its value, `Missing` if the source has none, or `Failed` with
//!   the batch's error for every key of a batch that failed. Nothing queued, no call.
//! - **get(key)** returns the cached result; `None` for a key never dispatched.
//!
//! The cache lives as long as the loader, which is one request: a new request gets a new
//! loader, so no user ever sees data cached for another, or stale from a minute ago.
//!
//! Given below the line: `BatchSource`, `Loaded`, the loader's fields, and an executor for
//! `{ posts { title author { name mentor { name } } } }` that uses your loader level by level
//! (the tests count the source's calls).
//!
//! Primary sources: DataLoader, <https://github.com/graphql/dataloader>; GraphQL spec
//! (October 2021) §6.4, Executing Fields, <https://spec.graphql.org/October2021/#sec-Executing-Fields>.

use std::collections::HashMap;
use std::hash::Hash;

use serde_json::{Value as Json, json};

impl<S: BatchSource> DataLoader<S> {
    /// Asks for `key`: queues it unless it is already queued or loaded.
    pub fn load(&mut self, key: S::Key) {
        // A linear search: the queue holds one level's keys, and keeps their order.
        if !self.cache.contains_key(&key) && !self.queue.contains(&key) {
            self.queue.push(key);
        }
    }

    /// Fetches every queued key, in batches of at most `max_batch` in the order first asked,
    /// and caches each key's result; empties the queue. Nothing queued: no call.
    pub fn dispatch(&mut self) {
        let queue = std::mem::take(&mut self.queue);
        for batch in queue.chunks(self.max_batch) {
            match self.source.load_batch(batch) {
                Ok(mut values) => {
                    for key in batch {
                        let loaded = values.remove(key).map_or(Loaded::Missing, Loaded::Value);
                        self.cache.insert(key.clone(), loaded);
                    }
                }
                Err(message) => {
                    for key in batch {
                        self.cache
                            .insert(key.clone(), Loaded::Failed(message.clone()));
                    }
                }
            }
        }
    }

    /// The result of a dispatched `key`; `None` if it never was.
    pub fn get(&self, key: &S::Key) -> Option<&Loaded<S::Value>> {
        self.cache.get(key)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the source, the loader's state, and a level-by-level executor that uses it.
// ---------------------------------------------------------------------------------------------

/// Where values come from, many keys per call: `SELECT ... WHERE id IN (...)`, a batch API.
pub trait BatchSource {
    /// What a value is looked up by.
    type Key: Clone + Eq + Hash;
    /// What is looked up.
    type Value: Clone;

    /// The values of `keys` (each key once), in one call; a key with no value is absent from
    /// the map. An error fails the whole call.
    fn load_batch(&self, keys: &[Self::Key]) -> Result<HashMap<Self::Key, Self::Value>, String>;
}

/// What the loader knows about a key after a dispatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded<V> {
    /// The source's value.
    Value(V),
    /// The source has no value for the key.
    Missing,
    /// The batch with this key failed, with this message.
    Failed(String),
}

/// Batches and caches the loads of one request.
pub struct DataLoader<S: BatchSource> {
    /// Where the values come from.
    source: S,
    /// The most keys per call to the source; at least 1.
    max_batch: usize,
    /// Keys asked for since the last dispatch, each once, in the order first asked.
    queue: Vec<S::Key>,
    /// The result of every key dispatched so far.
    cache: HashMap<S::Key, Loaded<S::Value>>,
}

impl<S: BatchSource> DataLoader<S> {
    /// A loader over `source` that asks for at most `max_batch` keys per call.
    pub fn new(source: S, max_batch: usize) -> DataLoader<S> {
        assert!(max_batch > 0, "a batch holds one key or more");
        DataLoader {
            source,
            max_batch,
            queue: Vec::new(),
            cache: HashMap::new(),
        }
    }
}

/// A blog post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Its title.
    pub title: String,
    /// The id of the user who wrote it.
    pub author_id: u32,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's name.
    pub name: String,
    /// The id of the user who mentors this one, if any.
    pub mentor_id: Option<u32>,
}

/// Answers `{ posts { title author { name mentor { name } } } }` as the spec's JSON, level
/// by level: every post's author is asked for, one dispatch; then every author's mentor, one
/// dispatch. A failed or missing user is null (`author` and `mentor` are nullable), with an
/// error at its path for a failure (spec §6.4.4).
pub fn posts_query<S>(posts: &[Post], users: &mut DataLoader<S>) -> Json
where
    S: BatchSource<Key = u32, Value = User>,
{
    // Level 2: the authors.
    for post in posts {
        users.load(post.author_id);
    }
    users.dispatch();
    // Level 3: the authors' mentors. An author seen at level 2 is already cached.
    for post in posts {
        if let Some(Loaded::Value(User {
            mentor_id: Some(mentor),
            ..
        })) = users.get(&post.author_id)
        {
            users.load(*mentor);
        }
    }
    users.dispatch();
    // The response, from the cache.
    let mut errors = Vec::new();
    let mut user_json = |id: Option<u32>, path: Json| -> Option<(Json, Option<u32>)> {
        match users.get(&id?) {
            Some(Loaded::Value(user)) => Some((json!({"name": user.name}), user.mentor_id)),
            Some(Loaded::Failed(message)) => {
                errors.push(json!({"message": message, "path": path}));
                None
            }
            Some(Loaded::Missing) | None => None,
        }
    };
    let mut items = Vec::new();
    for (i, post) in posts.iter().enumerate() {
        let author = match user_json(Some(post.author_id), json!(["posts", i, "author"])) {
            Some((mut author, mentor_id)) => {
                let path = json!(["posts", i, "author", "mentor"]);
                author["mentor"] = user_json(mentor_id, path).map_or(Json::Null, |(m, _)| m);
                author
            }
            None => Json::Null,
        };
        items.push(json!({"title": post.title, "author": author}));
    }
    let mut response = json!({"data": {"posts": items}});
    if !errors.is_empty() {
        response["errors"] = Json::Array(errors);
    }
    response
}
