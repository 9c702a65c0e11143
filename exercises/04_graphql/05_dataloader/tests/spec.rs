//! The specification of the data loader: loads are queued, fetched at dispatch in one call
//! per batch (each key once, in the order first asked, at most `max_batch` per call), cached
//! for the rest of the request, with missing keys and failed batches kept apart. The source
//! counts its calls: N posts' authors are one call, not N.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use dataloader::{BatchSource, DataLoader, Loaded, Post, User, posts_query};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// A counting source

/// The keys of every call to the source, in order.
type Calls = Rc<RefCell<Vec<Vec<u32>>>>;

/// Users 1 to 99 exist (user n is named "user n", mentored by n / 10 when that is not 0);
/// every call's keys are recorded; a call with a key in `failing` fails.
#[derive(Clone, Default)]
struct Users {
    calls: Calls,
    failing: HashSet<u32>,
}

impl BatchSource for Users {
    type Key = u32;
    type Value = User;

    fn load_batch(&self, keys: &[u32]) -> Result<HashMap<u32, User>, String> {
        self.calls.borrow_mut().push(keys.to_vec());
        if let Some(key) = keys.iter().find(|k| self.failing.contains(k)) {
            return Err(format!("the user service failed on {key}"));
        }
        Ok(keys
            .iter()
            .filter(|&&k| (1..100).contains(&k))
            .map(|&k| (k, user(k)))
            .collect())
    }
}

fn user(id: u32) -> User {
    User {
        name: format!("user {id}"),
        mentor_id: Some(id / 10).filter(|&m| m != 0),
    }
}

fn loader(max_batch: usize) -> (DataLoader<Users>, Calls) {
    let users = Users::default();
    let calls = users.calls.clone();
    (DataLoader::new(users, max_batch), calls)
}

#[track_caller]
fn assert_calls(calls: &Calls, want: &[&[u32]], why: &str) {
    let got = calls.borrow().clone();
    let want: Vec<Vec<u32>> = want.iter().map(|c| c.to_vec()).collect();
    assert_eq!(got, want, "the source's calls, each with its keys: {why}");
}

// ---------------------------------------------------------------------------------------------
// Batching

#[test]
fn a_loaded_key_has_its_value_after_dispatch() {
    let (mut users, _) = loader(100);
    users.load(42);
    users.dispatch();
    assert_eq!(
        users.get(&42),
        Some(&Loaded::Value(user(42))),
        "user 42 after one load and a dispatch"
    );
}

#[test]
fn nothing_is_fetched_before_dispatch() {
    let (mut users, calls) = loader(100);
    users.load(1);
    users.load(2);
    assert_calls(
        &calls,
        &[],
        "load only queues: the fetch waits for the dispatch",
    );
    assert_eq!(
        users.get(&1),
        None,
        "before the dispatch, a key has no result yet"
    );
}

#[test]
fn n_loads_are_one_call() {
    let (mut users, calls) = loader(100);
    for id in [5, 3, 9, 1, 7] {
        users.load(id);
    }
    users.dispatch();
    assert_calls(
        &calls,
        &[&[5, 3, 9, 1, 7]],
        "5 loads, one call, in the order asked",
    );
    assert_eq!(
        users.get(&9),
        Some(&Loaded::Value(user(9))),
        "and each key has its value"
    );
}

#[test]
fn a_key_asked_for_twice_is_fetched_once() {
    let (mut users, calls) = loader(100);
    for id in [4, 2, 4, 4, 2, 8] {
        users.load(id);
    }
    users.dispatch();
    assert_calls(
        &calls,
        &[&[4, 2, 8]],
        "each key once, where it was first asked",
    );
}

#[test]
fn a_dispatch_with_nothing_queued_calls_nothing() {
    let (mut users, calls) = loader(100);
    users.dispatch();
    users.load(1);
    users.dispatch();
    users.dispatch();
    assert_calls(
        &calls,
        &[&[1]],
        "only the dispatch with a key queued calls the source",
    );
}

#[test]
fn a_loaded_key_is_served_from_the_cache() {
    let (mut users, calls) = loader(100);
    users.load(1);
    users.load(2);
    users.dispatch();
    users.load(2);
    users.load(3);
    users.load(1);
    users.dispatch();
    assert_calls(
        &calls,
        &[&[1, 2], &[3]],
        "1 and 2 are cached: the second call asks for 3 only",
    );
    assert_eq!(
        users.get(&1),
        Some(&Loaded::Value(user(1))),
        "and 1 is still there"
    );
}

#[test]
fn batches_hold_at_most_max_batch_keys() {
    let (mut users, calls) = loader(4);
    for id in 1..=10 {
        users.load(id);
    }
    users.dispatch();
    assert_calls(
        &calls,
        &[&[1, 2, 3, 4], &[5, 6, 7, 8], &[9, 10]],
        "10 keys, max_batch 4",
    );
    assert_eq!(
        users.get(&10),
        Some(&Loaded::Value(user(10))),
        "the last batch's keys too"
    );
}

#[test]
fn exactly_max_batch_keys_are_one_call() {
    let (mut users, calls) = loader(3);
    for id in [1, 2, 3, 2] {
        users.load(id);
    }
    users.dispatch();
    assert_calls(
        &calls,
        &[&[1, 2, 3]],
        "3 distinct keys, max_batch 3: one call",
    );
}

// ---------------------------------------------------------------------------------------------
// Missing keys and failures

#[test]
fn a_key_the_source_does_not_have_is_missing_and_cached() {
    let (mut users, calls) = loader(100);
    users.load(1);
    users.load(500);
    users.dispatch();
    assert_eq!(
        (users.get(&500), users.get(&1)),
        (Some(&Loaded::Missing), Some(&Loaded::Value(user(1)))),
        "user 500 does not exist: Missing, and user 1 is unaffected"
    );
    users.load(500);
    users.dispatch();
    assert_calls(
        &calls,
        &[&[1, 500]],
        "a missing key is an answer too: not asked for again",
    );
}

#[test]
fn a_failed_batch_fails_each_of_its_keys_and_no_other() {
    let users = Users {
        failing: HashSet::from([6]),
        ..Users::default()
    };
    let calls = users.calls.clone();
    let mut users = DataLoader::new(users, 3);
    for id in 1..=7 {
        users.load(id);
    }
    users.dispatch();
    let failed = Loaded::Failed("the user service failed on 6".into());
    assert_eq!(
        [
            users.get(&4),
            users.get(&5),
            users.get(&6),
            users.get(&3),
            users.get(&7)
        ],
        [
            Some(&failed),
            Some(&failed),
            Some(&failed),
            Some(&Loaded::Value(user(3))),
            Some(&Loaded::Value(user(7)))
        ],
        "batches [1,2,3] [4,5,6] [7]: the middle one failed, each of its keys carries the error"
    );
    assert_calls(
        &calls,
        &[&[1, 2, 3], &[4, 5, 6], &[7]],
        "one failed batch does not stop the next",
    );
}

#[test]
fn a_key_never_dispatched_has_no_result() {
    let (mut users, _) = loader(100);
    users.load(1);
    users.dispatch();
    assert_eq!(users.get(&2), None, "2 was never asked for");
}

// ---------------------------------------------------------------------------------------------
// In a query: one call per level, whatever N is

fn posts(authors: &[u32]) -> Vec<Post> {
    authors
        .iter()
        .enumerate()
        .map(|(i, &a)| Post {
            title: format!("post {i}"),
            author_id: a,
        })
        .collect()
}

#[test]
fn the_authors_of_n_posts_are_one_call_not_n() {
    // 100 posts by 5 authors (12, 34, 56, 78, 91); their mentors are 1, 3, 5, 7, 9.
    let authors: Vec<u32> = (0..100).map(|i| [12, 34, 56, 78, 91][i % 5]).collect();
    let (mut users, calls) = loader(100);
    let got = posts_query(&posts(&authors), &mut users);
    assert_calls(
        &calls,
        &[&[12, 34, 56, 78, 91], &[1, 3, 5, 7, 9]],
        "100 posts: one call for the 5 distinct authors, one for their mentors (without a \
         loader, 100 + 100 calls)",
    );
    assert_eq!(
        got["data"]["posts"][7],
        json!({"title": "post 7", "author": {"name": "user 56", "mentor": {"name": "user 5"}}}),
        "post 7, its author and the author's mentor"
    );
}

#[test]
fn users_loaded_at_one_level_are_not_fetched_at_the_next() {
    // Authors 23 and 2; 23's mentor is 2, already loaded as an author; 2 has no mentor.
    let (mut users, calls) = loader(100);
    let got = posts_query(&posts(&[23, 2]), &mut users);
    assert_calls(
        &calls,
        &[&[23, 2]],
        "the mentor 2 comes from the cache: no second call at all",
    );
    assert_eq!(
        got,
        json!({"data": {"posts": [
            {"title": "post 0", "author": {"name": "user 23", "mentor": {"name": "user 2"}}},
            {"title": "post 1", "author": {"name": "user 2", "mentor": null}}
        ]}}),
        "the whole response"
    );
}

#[test]
fn a_failed_author_is_null_with_an_error_and_the_rest_intact() {
    let source = Users {
        failing: HashSet::from([66]),
        ..Users::default()
    };
    let calls = source.calls.clone();
    let mut users = DataLoader::new(source, 2);
    let got = posts_query(&posts(&[11, 66, 77]), &mut users);
    assert_eq!(
        got,
        json!({
            "data": {"posts": [
                {"title": "post 0", "author": null},
                {"title": "post 1", "author": null},
                {"title": "post 2", "author": {"name": "user 77", "mentor": {"name": "user 7"}}}
            ]},
            "errors": [
                {"message": "the user service failed on 66", "path": ["posts", 0, "author"]},
                {"message": "the user service failed on 66", "path": ["posts", 1, "author"]}
            ]
        }),
        "max_batch 2: [11, 66] failed, [77] did; each post of the failed batch has its error"
    );
    assert_calls(
        &calls,
        &[&[11, 66], &[77], &[7]],
        "two batches for the authors, one for the mentor",
    );
}
