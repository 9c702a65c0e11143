//! The specification of expiry: SET with EX / PX / NX and their errors, EXPIRE and TTL as
//! Redis answers them, expired keys invisible to every command and removed when touched, all
//! on a clock the tests move by hand (no sleeps); then over a socket in raw bytes and with
//! the `redis` crate.
//!
//! Replies are Redis's own: <https://redis.io/docs/latest/commands/set/>,
//! <https://redis.io/docs/latest/commands/expire/>, <https://redis.io/docs/latest/commands/ttl/>.

use redis_expiry::{Db, Frame, ManualClock, Server, execute};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;
use testkit::tcp;

/// A store on a clock that reads 1 000 000 ms (not 0: a deadline is clock time, not a
/// duration) and moves only when the test says.
fn db() -> (Db, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(1_000_000));
    (Db::new(clock.clone()), clock)
}

fn run(db: &Db, words: &[&str]) -> Frame {
    let args: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    execute(db, &args)
}

#[track_caller]
fn assert_reply(db: &Db, words: &[&str], expected: Frame, why: &str) {
    assert_eq!(run(db, words), expected, "{}: {why}", words.join(" "));
}

fn ok() -> Frame {
    Frame::Simple("OK".into())
}

fn bulk(text: &str) -> Frame {
    Frame::Bulk(text.as_bytes().to_vec())
}

fn error(text: &str) -> Frame {
    Frame::Error(text.into())
}

fn keys_held(db: &Db) -> usize {
    db.data.lock().unwrap().len()
}

// ---------------------------------------------------------------------------------------------
// SET with EX and PX

#[test]
fn set_with_ex_keeps_the_key_until_its_last_millisecond() {
    let (db, clock) = db();
    assert_reply(&db, &["SET", "k", "v", "EX", "10"], ok(), "+OK");
    clock.advance(9_999);
    assert_reply(&db, &["GET", "k"], bulk("v"), "1 ms before 10 s are up");
}

#[test]
fn set_with_ex_expires_after_the_seconds() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "EX", "10"]);
    clock.advance(10_000);
    assert_reply(
        &db,
        &["GET", "k"],
        Frame::Null,
        "10 s after SET ... EX 10 the key is gone (expired once now >= expires_at)",
    );
}

#[test]
fn set_with_px_expires_after_the_milliseconds() {
    let (db, clock) = db();
    assert_reply(&db, &["SET", "k", "v", "PX", "1500"], ok(), "+OK");
    clock.advance(1_499);
    assert_reply(&db, &["GET", "k"], bulk("v"), "1 ms before 1500 ms are up");
    clock.advance(1);
    assert_reply(
        &db,
        &["GET", "k"],
        Frame::Null,
        "1500 ms after SET ... PX 1500",
    );
}

#[test]
fn options_are_case_insensitive() {
    let (db, clock) = db();
    assert_reply(&db, &["SET", "a", "1", "ex", "1"], ok(), "ex is EX");
    assert_reply(&db, &["SET", "b", "1", "pX", "1000"], ok(), "pX is PX");
    clock.advance(1_000);
    assert_reply(&db, &["GET", "a"], Frame::Null, "a expired after 1 s");
    assert_reply(&db, &["GET", "b"], Frame::Null, "b expired after 1000 ms");
}

#[test]
fn a_plain_set_clears_the_old_expiry() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "old", "EX", "10"]);
    run(&db, &["SET", "k", "new"]);
    clock.advance(60_000);
    assert_reply(
        &db,
        &["GET", "k"],
        bulk("new"),
        "a SET without EX or PX makes the key live forever, whatever it had before",
    );
}

#[test]
fn a_new_set_with_ex_replaces_the_old_expiry() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "EX", "100"]);
    run(&db, &["SET", "k", "v", "EX", "1"]);
    clock.advance(1_000);
    assert_reply(&db, &["GET", "k"], Frame::Null, "the latest EX counts");
}

// ---------------------------------------------------------------------------------------------
// Expired keys are gone for every command, and removed when touched

#[test]
fn an_expired_key_is_removed_when_it_is_read() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "PX", "10"]);
    run(&db, &["SET", "forever", "v"]);
    clock.advance(10);
    run(&db, &["GET", "k"]);
    assert_eq!(
        keys_held(&db),
        1,
        "after GET of the expired k, the store still holds it: live must remove an expired \
         entry, or a cache of short-lived keys grows without end"
    );
}

#[test]
fn incr_of_an_expired_key_starts_from_zero() {
    let (db, clock) = db();
    run(&db, &["SET", "n", "41", "EX", "1"]);
    clock.advance(1_000);
    assert_reply(
        &db,
        &["INCR", "n"],
        Frame::Integer(1),
        "the 41 expired: INCR sees no key, counts from 0",
    );
    assert_reply(
        &db,
        &["TTL", "n"],
        Frame::Integer(-1),
        "the new n has no expiry",
    );
}

#[test]
fn incr_keeps_the_expiry() {
    let (db, clock) = db();
    run(&db, &["SET", "n", "1", "EX", "10"]);
    assert_reply(&db, &["INCR", "n"], Frame::Integer(2), "1 + 1");
    assert_reply(
        &db,
        &["TTL", "n"],
        Frame::Integer(10),
        "INCR does not touch the TTL",
    );
    clock.advance(10_000);
    assert_reply(&db, &["GET", "n"], Frame::Null, "n expired on time");
}

#[test]
fn del_of_an_expired_key_counts_nothing() {
    let (db, clock) = db();
    run(&db, &["SET", "gone", "v", "PX", "5"]);
    run(&db, &["SET", "here", "v"]);
    clock.advance(5);
    assert_reply(
        &db,
        &["DEL", "gone", "here"],
        Frame::Integer(1),
        "an expired key is not there to delete",
    );
}

// ---------------------------------------------------------------------------------------------
// NX

#[test]
fn set_nx_sets_a_missing_key() {
    let (db, _) = db();
    assert_reply(&db, &["SET", "k", "v", "NX"], ok(), "k did not exist");
    assert_reply(&db, &["GET", "k"], bulk("v"), "and now it does");
}

#[test]
fn set_nx_leaves_an_existing_key_alone() {
    let (db, _) = db();
    run(&db, &["SET", "k", "first"]);
    assert_reply(
        &db,
        &["SET", "k", "second", "NX"],
        Frame::Null,
        "k exists: NX answers the null bulk string and sets nothing",
    );
    assert_reply(&db, &["GET", "k"], bulk("first"), "unchanged");
}

#[test]
fn set_nx_sets_a_key_that_expired() {
    let (db, clock) = db();
    run(&db, &["SET", "lock", "a", "EX", "30"]);
    clock.advance(30_000);
    assert_reply(
        &db,
        &["SET", "lock", "b", "NX"],
        ok(),
        "the old lock expired: it does not exist any more (a lock with a lease)",
    );
    assert_reply(&db, &["GET", "lock"], bulk("b"), "the new holder");
}

#[test]
fn set_nx_and_ex_combine_in_either_order() {
    let (db, clock) = db();
    assert_reply(&db, &["SET", "a", "1", "NX", "EX", "5"], ok(), "NX then EX");
    assert_reply(
        &db,
        &["SET", "b", "1", "px", "5000", "nx"],
        ok(),
        "PX then NX",
    );
    assert_reply(
        &db,
        &["SET", "a", "2", "EX", "5", "NX"],
        Frame::Null,
        "a exists",
    );
    clock.advance(5_000);
    assert_reply(&db, &["GET", "a"], Frame::Null, "a expired: NX kept its EX");
    assert_reply(&db, &["GET", "b"], Frame::Null, "b expired: NX kept its PX");
}

// ---------------------------------------------------------------------------------------------
// SET errors: nothing is stored

#[track_caller]
fn assert_set_refused(words: &[&str], expected: &str, why: &str) {
    let (db, _) = db();
    run(&db, &["SET", "k", "before"]);
    assert_reply(&db, words, error(expected), why);
    assert_reply(
        &db,
        &["GET", "k"],
        bulk("before"),
        "a refused SET changes nothing",
    );
    assert_reply(&db, &["TTL", "k"], Frame::Integer(-1), "nor the expiry");
}

#[test]
fn set_with_a_zero_or_negative_expiry_is_an_error() {
    let invalid = "ERR invalid expire time in 'set' command";
    assert_set_refused(&["SET", "k", "v", "EX", "0"], invalid, "EX 0");
    assert_set_refused(&["SET", "k", "v", "PX", "0"], invalid, "PX 0");
    assert_set_refused(&["SET", "k", "v", "EX", "-5"], invalid, "EX -5");
}

#[test]
fn set_with_an_expiry_that_is_not_an_integer_is_an_error() {
    let not_int = "ERR value is not an integer or out of range";
    assert_set_refused(&["SET", "k", "v", "EX", "ten"], not_int, "EX ten");
    assert_set_refused(&["SET", "k", "v", "EX", "1.5"], not_int, "EX 1.5");
    assert_set_refused(&["SET", "k", "v", "PX", ""], not_int, "PX of nothing");
}

#[test]
fn set_with_an_expiry_too_large_for_the_clock_is_an_error() {
    let invalid = "ERR invalid expire time in 'set' command";
    assert_set_refused(
        &["SET", "k", "v", "EX", "9223372036854775807"],
        invalid,
        "i64::MAX seconds is more milliseconds than an i64 holds: checked_mul",
    );
}

#[test]
fn set_with_ex_and_px_together_is_a_syntax_error() {
    let syntax = "ERR syntax error";
    assert_set_refused(
        &["SET", "k", "v", "EX", "1", "PX", "1"],
        syntax,
        "EX and PX",
    );
    assert_set_refused(
        &["SET", "k", "v", "PX", "1", "EX", "1"],
        syntax,
        "PX and EX",
    );
    assert_set_refused(&["SET", "k", "v", "EX", "1", "EX", "2"], syntax, "EX twice");
}

#[test]
fn set_with_an_unknown_or_incomplete_option_is_a_syntax_error() {
    let syntax = "ERR syntax error";
    assert_set_refused(&["SET", "k", "v", "FOREVER"], syntax, "an unknown option");
    assert_set_refused(&["SET", "k", "v", "EX"], syntax, "EX without its seconds");
    assert_set_refused(&["SET", "k", "v", "NX", "PX"], syntax, "PX without its ms");
}

// ---------------------------------------------------------------------------------------------
// EXPIRE

#[test]
fn expire_of_a_missing_key_is_zero() {
    let (db, _) = db();
    assert_reply(
        &db,
        &["EXPIRE", "nope", "10"],
        Frame::Integer(0),
        "no such key",
    );
    assert_eq!(keys_held(&db), 0, "EXPIRE creates no key");
}

#[test]
fn expire_sets_a_deadline_on_an_existing_key() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v"]);
    assert_reply(&db, &["EXPIRE", "k", "10"], Frame::Integer(1), "k exists");
    clock.advance(9_999);
    assert_reply(&db, &["GET", "k"], bulk("v"), "1 ms before 10 s");
    clock.advance(1);
    assert_reply(&db, &["GET", "k"], Frame::Null, "10 s after EXPIRE k 10");
}

#[test]
fn expire_replaces_an_earlier_deadline() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "EX", "1"]);
    run(&db, &["EXPIRE", "k", "100"]);
    clock.advance(50_000);
    assert_reply(
        &db,
        &["GET", "k"],
        bulk("v"),
        "the new 100 s replaced the 1 s",
    );
}

#[test]
fn expire_of_an_expired_key_is_zero() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "PX", "1"]);
    clock.advance(1);
    assert_reply(
        &db,
        &["EXPIRE", "k", "10"],
        Frame::Integer(0),
        "k expired: EXPIRE must not bring it back",
    );
    assert_reply(&db, &["GET", "k"], Frame::Null, "still gone");
}

#[test]
fn expire_with_zero_or_negative_seconds_ends_the_key_now() {
    let (db, _) = db();
    run(&db, &["SET", "a", "v"]);
    run(&db, &["SET", "b", "v"]);
    assert_reply(&db, &["EXPIRE", "a", "0"], Frame::Integer(1), "a existed");
    assert_reply(&db, &["EXPIRE", "b", "-10"], Frame::Integer(1), "b existed");
    assert_reply(&db, &["GET", "a"], Frame::Null, "EXPIRE a 0: gone at once");
    assert_reply(
        &db,
        &["GET", "b"],
        Frame::Null,
        "EXPIRE b -10: gone at once",
    );
}

#[test]
fn expire_with_seconds_that_are_not_an_integer_is_an_error() {
    let (db, _) = db();
    run(&db, &["SET", "k", "v"]);
    assert_reply(
        &db,
        &["EXPIRE", "k", "soon"],
        error("ERR value is not an integer or out of range"),
        "soon is no number",
    );
    assert_reply(&db, &["TTL", "k"], Frame::Integer(-1), "k keeps no expiry");
}

// ---------------------------------------------------------------------------------------------
// TTL

#[test]
fn ttl_of_a_missing_key_is_minus_two() {
    let (db, _) = db();
    assert_reply(&db, &["TTL", "nope"], Frame::Integer(-2), "-2: no such key");
}

#[test]
fn ttl_of_a_key_without_expiry_is_minus_one() {
    let (db, _) = db();
    run(&db, &["SET", "k", "v"]);
    assert_reply(
        &db,
        &["TTL", "k"],
        Frame::Integer(-1),
        "-1: the key never expires",
    );
}

#[test]
fn ttl_counts_down_the_seconds_left() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "EX", "100"]);
    assert_reply(&db, &["TTL", "k"], Frame::Integer(100), "just set");
    clock.advance(30_000);
    assert_reply(&db, &["TTL", "k"], Frame::Integer(70), "30 s later");
}

#[test]
fn ttl_rounds_to_the_nearest_second() {
    // Redis's ttlGenericCommand (src/expire.c) replies (ms_left + 500) / 1000.
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "PX", "2500"]);
    assert_reply(
        &db,
        &["TTL", "k"],
        Frame::Integer(3),
        "2500 ms rounds to 3 s",
    );
    clock.advance(1);
    assert_reply(
        &db,
        &["TTL", "k"],
        Frame::Integer(2),
        "2499 ms rounds to 2 s",
    );
    clock.advance(2_000);
    assert_reply(
        &db,
        &["TTL", "k"],
        Frame::Integer(0),
        "499 ms rounds to 0 s",
    );
}

#[test]
fn ttl_of_an_expired_key_is_minus_two() {
    let (db, clock) = db();
    run(&db, &["SET", "k", "v", "EX", "1"]);
    clock.advance(1_000);
    assert_reply(
        &db,
        &["TTL", "k"],
        Frame::Integer(-2),
        "k expired: no such key",
    );
    assert_eq!(keys_held(&db), 0, "TTL of the expired k removed it");
}

#[test]
fn expire_and_ttl_check_their_arity() {
    let (db, _) = db();
    let arity = |name: &str| {
        error(&format!(
            "ERR wrong number of arguments for '{name}' command"
        ))
    };
    assert_reply(
        &db,
        &["EXPIRE", "k"],
        arity("expire"),
        "EXPIRE needs seconds",
    );
    assert_reply(&db, &["TTL"], arity("ttl"), "TTL needs a key");
    assert_reply(&db, &["ttl", "a", "b"], arity("ttl"), "TTL takes one key");
}

// ---------------------------------------------------------------------------------------------
// Over TCP: raw bytes, then the redis crate

/// A server on a manual clock.
fn start() -> (Server, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(1_000_000));
    let server = Server::start(Arc::new(Db::new(clock.clone()))).expect("the server starts");
    (server, clock)
}

fn stop(server: Server) {
    testkit::within(Duration::from_secs(2), move || server.shutdown())
        .expect("shutdown finishes within 2 s");
}

fn command(words: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", words.len()).into_bytes();
    for word in words {
        out.extend_from_slice(format!("${}\r\n{word}\r\n", word.len()).as_bytes());
    }
    out
}

/// Reads exactly the bytes of `expected` (as text in a failure).
#[track_caller]
fn expect_bytes(stream: &mut impl Read, expected: &str, after: &str) {
    let mut got = vec![0; expected.len()];
    if let Err(e) = stream.read_exact(&mut got) {
        panic!("after {after}: waited for {expected:?}: {e}");
    }
    assert_eq!(String::from_utf8_lossy(&got), expected, "after {after}");
}

#[test]
fn expiry_over_tcp_in_raw_bytes() {
    let (server, clock) = start();
    let mut client = tcp::connect(server.addr());
    let mut both = command(&["SET", "session", "abc", "EX", "60"]);
    both.extend(command(&["TTL", "session"]));
    client.write_all(&both).unwrap();
    expect_bytes(
        &mut client,
        "+OK\r\n:60\r\n",
        "SET session abc EX 60, TTL session",
    );
    clock.advance(60_000);
    client.write_all(&command(&["GET", "session"])).unwrap();
    expect_bytes(&mut client, "$-1\r\n", "GET session 60 s later");
    client
        .write_all(&command(&["SET", "k", "v", "EX", "0"]))
        .unwrap();
    expect_bytes(
        &mut client,
        "-ERR invalid expire time in 'set' command\r\n",
        "SET k v EX 0",
    );
    drop(client);
    stop(server);
}

fn redis_client(server: &Server) -> redis::Connection {
    let client = redis::Client::open(format!("redis://{}/", server.addr())).unwrap();
    let con = client
        .get_connection_with_timeout(tcp::TIMEOUT)
        .expect("the redis crate connects");
    con.set_read_timeout(Some(tcp::TIMEOUT)).unwrap();
    con
}

#[test]
fn the_redis_crate_sets_with_ex_and_reads_the_ttl() {
    use redis::{Commands, SetExpiry, SetOptions};
    let (server, clock) = start();
    let mut con = redis_client(&server);
    let ex = SetOptions::default().with_expiration(SetExpiry::EX(30));
    let reply: Option<String> = con
        .set_options("token", "t0k3n", ex)
        .expect("SET ... EX 30");
    assert_eq!(reply.as_deref(), Some("OK"), "SET token t0k3n EX 30");
    let ttl: i64 = con.ttl("token").expect("TTL");
    assert_eq!(ttl, 30, "TTL right after EX 30");
    clock.advance(30_000);
    let token: Option<String> = con.get("token").expect("GET");
    assert_eq!(token, None, "30 s later the token has expired");
    drop(con);
    stop(server);
}

#[test]
fn the_redis_crate_sets_nx_and_expires() {
    use redis::{Commands, ExistenceCheck, SetExpiry, SetOptions};
    let (server, clock) = start();
    let mut con = redis_client(&server);
    let nx_px = || {
        SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::PX(1_000))
    };
    let first: Option<String> = con.set_options("lock", "me", nx_px()).expect("SET NX PX");
    assert_eq!(
        first.as_deref(),
        Some("OK"),
        "SET NX of a missing key sets it"
    );
    let second: Option<String> = con.set_options("lock", "you", nx_px()).expect("SET NX PX");
    assert_eq!(second, None, "SET NX of an existing key replies nil");
    let applied: bool = con.expire("lock", 5).expect("EXPIRE lock 5");
    assert!(applied, "EXPIRE of an existing key replies 1");
    clock.advance(4_999);
    let ttl: i64 = con.ttl("lock").expect("TTL");
    assert_eq!(ttl, 0, "1 ms left rounds to 0 s");
    clock.advance(1);
    let ttl: i64 = con.ttl("lock").expect("TTL");
    assert_eq!(ttl, -2, "the lock expired: TTL -2");
    drop(con);
    stop(server);
}
