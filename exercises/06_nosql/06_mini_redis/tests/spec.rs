//! The specification of the mini Redis: each command's replies as Redis gives them (called
//! directly through `execute`), then the server over real sockets with raw bytes (a command
//! split byte by byte, pipelined commands, protocol errors, concurrent clients, shutdown), and
//! finally the `redis` crate, a client this server did not write, against it.
//!
//! Reply texts are Redis's own: <https://redis.io/docs/latest/commands/>.

use mini_redis::{Db, Frame, Server, execute};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;
use testkit::tcp;

/// Bytes as text, with CR and LF visible: what a failure shows.
fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

fn args(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// The reply of `db` to the command `words`.
#[track_caller]
fn run(db: &Db, words: &[&str]) -> Frame {
    execute(db, &args(words))
}

#[track_caller]
fn assert_reply(db: &Db, words: &[&str], expected: Frame, why: &str) {
    assert_eq!(run(db, words), expected, "{}: {why}", words.join(" "));
}

fn simple(text: &str) -> Frame {
    Frame::Simple(text.into())
}

fn bulk(text: &str) -> Frame {
    Frame::Bulk(text.as_bytes().to_vec())
}

fn error(text: &str) -> Frame {
    Frame::Error(text.into())
}

// ---------------------------------------------------------------------------------------------
// Commands, through execute

#[test]
fn ping_replies_pong() {
    assert_reply(
        &Db::default(),
        &["PING"],
        simple("PONG"),
        "the simple string PONG",
    );
}

#[test]
fn ping_with_an_argument_replies_it_as_a_bulk_string() {
    assert_reply(&Db::default(), &["PING", "hi"], bulk("hi"), "a bulk string");
}

#[test]
fn echo_replies_its_argument() {
    assert_reply(
        &Db::default(),
        &["ECHO", "héllo 🦀"],
        bulk("héllo 🦀"),
        "a bulk string",
    );
}

#[test]
fn command_names_are_case_insensitive() {
    let db = Db::default();
    assert_reply(&db, &["ping"], simple("PONG"), "ping is PING");
    assert_reply(&db, &["eChO", "x"], bulk("x"), "eChO is ECHO");
}

#[test]
fn get_of_a_missing_key_is_the_null_bulk_string() {
    assert_reply(
        &Db::default(),
        &["GET", "nope"],
        Frame::Null,
        "$-1, not an error",
    );
}

#[test]
fn set_replies_ok_and_get_returns_the_value() {
    let db = Db::default();
    assert_reply(&db, &["SET", "k", "v"], simple("OK"), "+OK");
    assert_reply(&db, &["GET", "k"], bulk("v"), "the value SET stored");
}

#[test]
fn set_overwrites_the_value() {
    let db = Db::default();
    run(&db, &["SET", "k", "old"]);
    run(&db, &["SET", "k", "new"]);
    assert_reply(&db, &["GET", "k"], bulk("new"), "the latest SET wins");
}

#[test]
fn keys_and_values_are_bytes() {
    let db = Db::default();
    let key = b"k\r\n\xff".to_vec();
    let value = b"\x00\r\n\xfe".to_vec();
    execute(&db, &[b"SET".to_vec(), key.clone(), value.clone()]);
    assert_eq!(
        execute(&db, &[b"GET".to_vec(), key]),
        Frame::Bulk(value),
        "binary keys and values come back as they were stored"
    );
    run(&db, &["SET", "empty", ""]);
    assert_reply(
        &db,
        &["GET", "empty"],
        bulk(""),
        "an empty value is a value",
    );
}

#[test]
fn set_with_an_unknown_option_is_a_syntax_error() {
    let db = Db::default();
    assert_reply(
        &db,
        &["SET", "k", "v", "FOREVER"],
        error("ERR syntax error"),
        "SET takes options after the value; this server knows none yet",
    );
    assert_reply(
        &db,
        &["GET", "k"],
        Frame::Null,
        "a refused SET stores nothing",
    );
}

#[test]
fn del_removes_keys_and_counts_those_that_existed() {
    let db = Db::default();
    run(&db, &["SET", "a", "1"]);
    run(&db, &["SET", "b", "2"]);
    assert_reply(
        &db,
        &["DEL", "a", "missing", "b"],
        Frame::Integer(2),
        "two of the three keys existed",
    );
    assert_reply(&db, &["GET", "a"], Frame::Null, "a was deleted");
    assert_reply(&db, &["GET", "b"], Frame::Null, "b was deleted");
    assert_reply(&db, &["DEL", "a"], Frame::Integer(0), "a is gone already");
}

#[test]
fn del_of_one_key_named_twice_counts_it_once() {
    let db = Db::default();
    run(&db, &["SET", "a", "1"]);
    assert_reply(
        &db,
        &["DEL", "a", "a"],
        Frame::Integer(1),
        "one key was removed",
    );
}

#[test]
fn incr_of_a_missing_key_is_one() {
    let db = Db::default();
    assert_reply(
        &db,
        &["INCR", "n"],
        Frame::Integer(1),
        "a missing key counts as 0",
    );
    assert_reply(
        &db,
        &["GET", "n"],
        bulk("1"),
        "INCR stores the number as text",
    );
}

#[test]
fn incr_adds_one_to_a_stored_integer() {
    let db = Db::default();
    run(&db, &["SET", "n", "41"]);
    assert_reply(&db, &["INCR", "n"], Frame::Integer(42), "41 + 1");
    assert_reply(&db, &["INCR", "n"], Frame::Integer(43), "42 + 1");
    assert_reply(&db, &["GET", "n"], bulk("43"), "stored back as text");
    run(&db, &["SET", "m", "-5"]);
    assert_reply(&db, &["INCR", "m"], Frame::Integer(-4), "-5 + 1");
}

#[test]
fn incr_of_a_value_that_is_not_an_integer_is_an_error() {
    let db = Db::default();
    for value in ["abc", "1.5", "", "12 "] {
        run(&db, &["SET", "n", value]);
        assert_reply(
            &db,
            &["INCR", "n"],
            error("ERR value is not an integer or out of range"),
            &format!("{value:?} is not a 64-bit integer"),
        );
        assert_reply(
            &db,
            &["GET", "n"],
            bulk(value),
            "a failed INCR changes nothing",
        );
    }
}

#[test]
fn incr_past_the_largest_integer_is_an_error() {
    let db = Db::default();
    run(&db, &["SET", "n", "9223372036854775806"]);
    assert_reply(
        &db,
        &["INCR", "n"],
        Frame::Integer(i64::MAX),
        "up to i64::MAX",
    );
    assert_reply(
        &db,
        &["INCR", "n"],
        error("ERR increment or decrement would overflow"),
        "i64::MAX + 1 overflows",
    );
    assert_reply(&db, &["GET", "n"], bulk("9223372036854775807"), "unchanged");
    run(&db, &["SET", "n", "9223372036854775808"]);
    assert_reply(
        &db,
        &["INCR", "n"],
        error("ERR value is not an integer or out of range"),
        "a value past i64::MAX is not an integer Redis can hold",
    );
}

#[test]
fn an_unknown_command_is_an_error_naming_it() {
    assert_reply(
        &Db::default(),
        &["FLUSHALL", "ASYNC"],
        error("ERR unknown command 'FLUSHALL', with args beginning with: 'ASYNC' "),
        "use unknown_command(args)",
    );
}

#[test]
fn a_known_command_with_the_wrong_number_of_arguments_is_an_error() {
    let db = Db::default();
    let cases: &[(&[&str], &str)] = &[
        (&["GET"], "get"),
        (&["GET", "a", "b"], "get"),
        (&["SET", "k"], "set"),
        (&["DEL"], "del"),
        (&["INCR"], "incr"),
        (&["incr", "a", "b"], "incr"),
        (&["ECHO"], "echo"),
        (&["ECHO", "a", "b"], "echo"),
        (&["PING", "a", "b"], "ping"),
    ];
    for (words, name) in cases {
        assert_reply(
            &db,
            words,
            error(&format!(
                "ERR wrong number of arguments for '{name}' command"
            )),
            "use wrong_arity(name)",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The server over TCP, in raw bytes

fn start() -> Server {
    Server::start(Arc::new(Db::default())).expect("the server starts")
}

/// Shuts the server down, failing if that takes more than 2 s: every connection thread must
/// end when its socket is closed.
fn stop(server: Server) {
    testkit::within(Duration::from_secs(2), move || server.shutdown()).expect(
        "shutdown did not finish within 2 s: it closes every connection and waits for its \
         thread; handle_connection must return when read gives 0 bytes (or an error)",
    );
}

/// A command as RESP: an array of bulk strings.
fn command(words: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", words.len()).into_bytes();
    for word in words {
        out.extend_from_slice(format!("${}\r\n{word}\r\n", word.len()).as_bytes());
    }
    out
}

/// Reads exactly the bytes of `expected`, failing as soon as what arrived differs, or when
/// nothing more comes within testkit's time limit.
#[track_caller]
fn expect_bytes(stream: &mut TcpStream, expected: &[u8], after: &str) {
    let mut got = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    while got.len() < expected.len() {
        // Never more than expected: what comes after belongs to the next check.
        let want = (expected.len() - got.len()).min(chunk.len());
        let n = match stream.read(&mut chunk[..want]) {
            Ok(n) => n,
            Err(e) => panic!(
                "after {after}: waited for {}, got {} and then nothing ({e}): a complete \
                 command deserves its reply",
                excerpt(expected, got.len()),
                excerpt(&got, got.len())
            ),
        };
        assert!(
            n > 0,
            "after {after}: the server closed the connection; it had sent {} of {}",
            excerpt(&got, got.len()),
            excerpt(expected, got.len())
        );
        got.extend_from_slice(&chunk[..n]);
        if let Some(at) = (0..got.len()).find(|&i| got[i] != expected[i]) {
            panic!(
                "after {after}: at byte {at} of the replies, expected {}, got {}",
                excerpt(expected, at),
                excerpt(&got, at)
            );
        }
    }
}

/// Up to 40 bytes of `bytes` on each side of `at`, as text: long replies stay readable.
fn excerpt(bytes: &[u8], at: usize) -> String {
    let (start, end) = (at.saturating_sub(40), (at + 40).min(bytes.len()));
    let dots = |cut: bool| if cut { "..." } else { "" };
    let middle = show(&bytes[start.min(end)..end]);
    format!("{}{middle}{}", dots(start > 0), dots(end < bytes.len()))
}

#[test]
fn ping_over_tcp() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    client.write_all(b"*1\r\n$4\r\nPING\r\n").unwrap();
    expect_bytes(&mut client, b"+PONG\r\n", "PING");
    drop(client);
    stop(server);
}

#[test]
fn one_connection_serves_many_commands_in_turn() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    client.write_all(&command(&["SET", "k", "v"])).unwrap();
    expect_bytes(&mut client, b"+OK\r\n", "SET k v");
    client.write_all(&command(&["GET", "k"])).unwrap();
    expect_bytes(&mut client, b"$1\r\nv\r\n", "GET k");
    client.write_all(&command(&["GET", "other"])).unwrap();
    expect_bytes(&mut client, b"$-1\r\n", "GET other");
    drop(client);
    stop(server);
}

#[test]
fn a_command_sent_byte_by_byte_gets_one_reply() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    for byte in command(&["ECHO", "slow"]) {
        client.write_all(&[byte]).unwrap();
    }
    expect_bytes(
        &mut client,
        b"$4\r\nslow\r\n",
        "ECHO slow, one byte per write: keep the partial command and read more",
    );
    drop(client);
    stop(server);
}

#[test]
fn a_command_split_at_any_byte_gets_its_reply() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    let whole = command(&["SET", "key", "value"]);
    for cut in 1..whole.len() {
        // A PING ahead of the first part: its reply shows the server has read that part
        // before the rest is sent, so the command really arrives in two reads.
        let mut first = command(&["PING"]);
        first.extend_from_slice(&whole[..cut]);
        client.write_all(&first).unwrap();
        let start = show(&whole[..cut]);
        expect_bytes(&mut client, b"+PONG\r\n", &format!("PING and then {start}"));
        client.write_all(&whole[cut..]).unwrap();
        expect_bytes(
            &mut client,
            b"+OK\r\n",
            &format!(
                "SET key value sent as {start}, then (after the PONG) {}: keep the partial \
                 command for the next read",
                show(&whole[cut..])
            ),
        );
    }
    drop(client);
    stop(server);
}

#[test]
fn two_commands_in_one_write_get_two_replies_in_order() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    let mut both = command(&["SET", "k", "v"]);
    both.extend(command(&["GET", "k"]));
    client.write_all(&both).unwrap();
    expect_bytes(
        &mut client,
        b"+OK\r\n$1\r\nv\r\n",
        "SET and GET pipelined in one write: parse every complete command in the buffer",
    );
    drop(client);
    stop(server);
}

#[test]
fn a_long_pipeline_is_answered_in_full() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    // 1000 INCRs, about 25 kB: more than one read's worth, cut at places nobody chose.
    let mut pipeline = Vec::new();
    let mut expected = Vec::new();
    for n in 1..=1000 {
        pipeline.extend(command(&["INCR", "counter"]));
        expected.extend(format!(":{n}\r\n").bytes());
    }
    client.write_all(&pipeline).unwrap();
    expect_bytes(&mut client, &expected, "1000 pipelined INCRs");
    drop(client);
    stop(server);
}

#[test]
fn a_large_value_round_trips() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    let value = "x".repeat(200_000);
    client.write_all(&command(&["SET", "big", &value])).unwrap();
    expect_bytes(&mut client, b"+OK\r\n", "SET of a 200 kB value");
    client.write_all(&command(&["GET", "big"])).unwrap();
    expect_bytes(
        &mut client,
        format!("$200000\r\n{value}\r\n").as_bytes(),
        "GET of a 200 kB value",
    );
    drop(client);
    stop(server);
}

#[test]
fn an_error_reply_leaves_the_connection_open() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    client.write_all(&command(&["NOPE"])).unwrap();
    expect_bytes(
        &mut client,
        b"-ERR unknown command 'NOPE', with args beginning with: \r\n",
        "NOPE",
    );
    client.write_all(b"*1\r\n:1\r\n").unwrap();
    expect_bytes(
        &mut client,
        b"-ERR Protocol error: expected an array of bulk strings\r\n",
        "an array of an integer: reply with the error command_args gives",
    );
    client.write_all(&command(&["PING"])).unwrap();
    expect_bytes(&mut client, b"+PONG\r\n", "PING after two error replies");
    drop(client);
    stop(server);
}

#[test]
fn bytes_that_are_not_resp_get_a_protocol_error_and_the_connection_closes() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    client.write_all(b"PING\r\n").unwrap();
    let (got, end) = tcp::read_until_close(&mut client);
    assert!(
        got.starts_with(b"-ERR Protocol error") && got.ends_with(b"\r\n") && end.is_ok(),
        "after \"PING\\r\\n\" (not a RESP frame): expected an -ERR Protocol error reply and \
         then the close, got {} and {end:?}",
        show(&got)
    );
    stop(server);
}

#[test]
fn a_bulk_length_over_the_limit_is_refused_without_its_body() {
    let server = start();
    let mut client = tcp::connect(server.addr());
    // LIMITS.max_bulk is 1 MiB: this header alone promises one byte more.
    client
        .write_all(b"*2\r\n$3\r\nGET\r\n$1048577\r\n")
        .unwrap();
    let (got, end) = tcp::read_until_close(&mut client);
    assert!(
        got.starts_with(b"-ERR Protocol error") && end.is_ok(),
        "a bulk length of 1 MiB + 1 is over LIMITS: reply with the error and close at once, \
         without waiting for the body; got {} and {end:?}",
        show(&got)
    );
    stop(server);
}

#[test]
fn a_slow_client_does_not_block_the_others() {
    let server = start();
    let mut slow = tcp::connect(server.addr());
    slow.write_all(b"*1\r\n$4\r\nPI").unwrap();
    let mut quick = tcp::connect(server.addr());
    quick.write_all(&command(&["PING"])).unwrap();
    expect_bytes(
        &mut quick,
        b"+PONG\r\n",
        "PING while another client is in the middle of a command",
    );
    slow.write_all(b"NG\r\n").unwrap();
    expect_bytes(&mut slow, b"+PONG\r\n", "the slow client's PING, completed");
    drop((slow, quick));
    stop(server);
}

#[test]
fn clients_share_one_store() {
    let server = start();
    let mut writer = tcp::connect(server.addr());
    let mut reader = tcp::connect(server.addr());
    writer
        .write_all(&command(&["SET", "shared", "yes"]))
        .unwrap();
    expect_bytes(&mut writer, b"+OK\r\n", "SET shared yes");
    reader.write_all(&command(&["GET", "shared"])).unwrap();
    expect_bytes(
        &mut reader,
        b"$3\r\nyes\r\n",
        "GET shared, from another client",
    );
    drop((writer, reader));
    stop(server);
}

#[test]
fn concurrent_incrs_lose_no_increment() {
    let server = start();
    let addr = server.addr();
    let clients: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                let mut client = tcp::connect(addr);
                let mut pipeline = Vec::new();
                for _ in 0..200 {
                    pipeline.extend(command(&["INCR", "hits"]));
                }
                client.write_all(&pipeline).unwrap();
                // Read the 200 replies (each ":n\r\n", n unknown) up to the last CRLF.
                let mut seen = 0;
                let mut byte = [0u8; 1];
                while seen < 200 {
                    client
                        .read_exact(&mut byte)
                        .expect("200 replies to 200 INCRs");
                    seen += usize::from(byte[0] == b'\n');
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client thread failed");
    }
    let mut check = tcp::connect(addr);
    check.write_all(&command(&["GET", "hits"])).unwrap();
    expect_bytes(
        &mut check,
        b"$4\r\n1600\r\n",
        "8 clients x 200 INCRs: hold the lock for the whole INCR (read, add, write), or two \
         clients read the same value and one increment is lost",
    );
    drop(check);
    stop(server);
}

#[test]
fn shutdown_ends_open_connections() {
    let server = start();
    let mut idle = tcp::connect(server.addr());
    idle.write_all(&command(&["PING"])).unwrap();
    expect_bytes(&mut idle, b"+PONG\r\n", "PING");
    // The client stays connected: shutdown closes its socket, and its thread must end.
    stop(server);
    let (_, end) = tcp::read_until_close(&mut idle);
    assert!(end.is_ok(), "the server closed the connection: {end:?}");
}

// ---------------------------------------------------------------------------------------------
// A real client: the redis crate

/// A connection of the redis crate (which pipelines two CLIENT SETINFO on connect and
/// ignores their replies).
fn redis_client(server: &Server) -> redis::Connection {
    let client = redis::Client::open(format!("redis://{}/", server.addr())).unwrap();
    let con = client
        .get_connection_with_timeout(tcp::TIMEOUT)
        .unwrap_or_else(|e| {
            panic!(
                "the redis crate could not connect: {e}. It sends CLIENT SETINFO twice, \
                 pipelined, and needs a reply (an error will do) to each"
            )
        });
    con.set_read_timeout(Some(tcp::TIMEOUT)).unwrap();
    con.set_write_timeout(Some(tcp::TIMEOUT)).unwrap();
    con
}

#[test]
fn the_redis_crate_connects_and_pings() {
    let server = start();
    let mut con = redis_client(&server);
    let pong: String = redis::cmd("PING").query(&mut con).expect("PING");
    assert_eq!(pong, "PONG");
    drop(con);
    stop(server);
}

#[test]
fn the_redis_crate_sets_gets_and_deletes() {
    use redis::Commands;
    let server = start();
    let mut con = redis_client(&server);
    let () = con.set("name", "Zoë 🦀").expect("SET");
    let name: Option<String> = con.get("name").expect("GET");
    assert_eq!(name.as_deref(), Some("Zoë 🦀"));
    let removed: i64 = con.del(&["name", "missing"]).expect("DEL");
    assert_eq!(removed, 1, "DEL of one existing and one missing key");
    let name: Option<String> = con.get("name").expect("GET");
    assert_eq!(name, None, "a deleted key reads as nil");
    drop(con);
    stop(server);
}

#[test]
fn the_redis_crate_increments_and_sees_errors() {
    let server = start();
    let mut con = redis_client(&server);
    let n: i64 = redis::cmd("INCR").arg("n").query(&mut con).expect("INCR");
    assert_eq!(n, 1);
    let () = redis::cmd("SET")
        .arg("s")
        .arg("abc")
        .query(&mut con)
        .unwrap();
    let err = redis::cmd("INCR")
        .arg("s")
        .query::<i64>(&mut con)
        .expect_err("INCR of \"abc\" is an error reply");
    assert!(
        err.to_string()
            .contains("value is not an integer or out of range"),
        "the redis crate shows the server's error: {err}"
    );
    let echoed: String = redis::cmd("ECHO")
        .arg("still here")
        .query(&mut con)
        .unwrap();
    assert_eq!(
        echoed, "still here",
        "the connection goes on after an error"
    );
    drop(con);
    stop(server);
}

#[test]
fn the_redis_crate_pipelines() {
    let server = start();
    let mut con = redis_client(&server);
    let (ok, got, n): (String, String, i64) = redis::pipe()
        .cmd("SET")
        .arg("k")
        .arg("10")
        .cmd("GET")
        .arg("k")
        .cmd("INCR")
        .arg("k")
        .query(&mut con)
        .expect("a pipeline of SET, GET, INCR");
    assert_eq!((ok.as_str(), got.as_str(), n), ("OK", "10", 11));
    drop(con);
    stop(server);
}
