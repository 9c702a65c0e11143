//! The specification: `session` answers lines, sends a heartbeat, ends an idle or too-slow
//! connection and obeys shutdown, each at the exact time, and loses no byte of a line whose
//! read was cancelled by another branch. The clock is tokio's paused clock: no test waits in
//! real time, and each timer fires at its exact instant.

use std::time::Duration;

use timeouts_cancellation::{End, Timing, session};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{self, Instant};

const TIMING: Timing = Timing {
    heartbeat: Duration::from_secs(10),
    idle: Duration::from_secs(35),
    write_limit: Duration::from_secs(5),
};

/// The client's side of a session started at time 0.
struct Client {
    lines: tokio::io::Lines<BufReader<ReadHalf<DuplexStream>>>,
    writer: WriteHalf<DuplexStream>,
    shutdown: Option<oneshot::Sender<()>>,
    session: JoinHandle<std::io::Result<End>>,
    start: Instant,
}

/// Starts a session over an in-memory connection whose buffers hold `buffer` bytes.
fn start(buffer: usize) -> Client {
    let (client, server) = tokio::io::duplex(buffer);
    let (shutdown, signal) = oneshot::channel();
    let (server_reader, server_writer) = tokio::io::split(server);
    let session = tokio::spawn(session(
        BufReader::new(server_reader),
        server_writer,
        TIMING,
        signal,
    ));
    let (reader, writer) = tokio::io::split(client);
    Client {
        lines: BufReader::new(reader).lines(),
        writer,
        shutdown: Some(shutdown),
        session,
        start: Instant::now(),
    }
}

impl Client {
    async fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).await.unwrap();
    }

    /// The next line and the second (on the paused clock) it arrived at.
    async fn line(&mut self) -> (u64, String) {
        let line = self
            .lines
            .next_line()
            .await
            .unwrap()
            .unwrap_or_else(|| "<closed>".into());
        (self.start.elapsed().as_secs(), line)
    }

    /// The lines up to the first BYE (at most 12, within 120 s on the clock).
    async fn lines_until_bye(&mut self) -> Vec<(u64, String)> {
        let mut got = Vec::new();
        while got.len() < 12 {
            let Ok(next) = time::timeout(Duration::from_secs(120), self.line()).await else {
                break;
            };
            let bye = next.1.starts_with("BYE") || next.1 == "<closed>";
            got.push(next);
            if bye {
                break;
            }
        }
        got
    }

    /// How the session ended, and when (at most 120 s on the clock).
    async fn end(self) -> (u64, End) {
        let ended = time::timeout(Duration::from_secs(120), self.session)
            .await
            .expect("the session did not end within 120 s (on the paused clock)")
            .expect("the session panicked")
            .expect("the session returned an I/O error");
        (self.start.elapsed().as_secs(), ended)
    }
}

fn at(s: u64, line: &str) -> (u64, String) {
    (s, line.to_string())
}

#[tokio::test(start_paused = true)]
async fn a_line_gets_its_reply() {
    let mut client = start(1024);
    client.send("hello\n").await;
    assert_eq!(
        client.line().await,
        at(0, "HELLO"),
        "(second, line): the reply at once"
    );
}

#[tokio::test(start_paused = true)]
async fn the_client_closing_ends_the_session() {
    let mut client = start(1024);
    client.writer.shutdown().await.unwrap();
    assert_eq!(client.end().await, (0, End::ClientClosed));
}

#[tokio::test(start_paused = true)]
async fn a_heartbeat_goes_out_every_period() {
    let mut client = start(1024);
    let first_two = vec![client.line().await, client.line().await];
    assert_eq!(
        first_two,
        [at(10, "PING"), at(20, "PING")],
        "(second, line): PING every 10 s, the first one period after the start"
    );
}

#[tokio::test(start_paused = true)]
async fn an_idle_session_says_bye_and_ends_after_the_idle_time() {
    let mut client = start(1024);
    assert_eq!(
        client.lines_until_bye().await,
        [
            at(10, "PING"),
            at(20, "PING"),
            at(30, "PING"),
            at(35, "BYE idle")
        ],
        "(second, line): heartbeats are not activity; 35 s without a line ends the session. \
         Keep one deadline across the loop: a sleep(idle) made anew in each select! starts \
         over at every heartbeat and never fires"
    );
    assert_eq!(client.end().await, (35, End::Idle));
}

#[tokio::test(start_paused = true)]
async fn a_whole_line_moves_the_idle_deadline() {
    let mut client = start(1024);
    assert_eq!(client.line().await, at(10, "PING"));
    assert_eq!(client.line().await, at(20, "PING"));
    client.send("still here\n").await;
    assert_eq!(client.line().await, at(20, "STILL HERE"));
    assert_eq!(
        client.lines_until_bye().await,
        [
            at(30, "PING"),
            at(40, "PING"),
            at(50, "PING"),
            at(55, "BYE idle")
        ],
        "a line at 20 s: idle until 55 s"
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_trickling_bytes_without_a_line_end_is_still_idle() {
    let mut client = start(1024);
    let mut writer = client.writer;
    client.writer = tokio::io::split(tokio::io::duplex(1).0).1; // a placeholder
    let trickle = tokio::spawn(async move {
        for _ in 0..20 {
            time::sleep(Duration::from_secs(3)).await;
            if writer.write_all(b"a").await.is_err() {
                break;
            }
        }
    });
    assert_eq!(
        client.lines_until_bye().await,
        [
            at(10, "PING"),
            at(20, "PING"),
            at(30, "PING"),
            at(35, "BYE idle")
        ],
        "one byte every 3 s and never a line end (slowloris): only a whole line is \
         activity, or such a client holds a connection forever"
    );
    trickle.abort();
}

#[tokio::test(start_paused = true)]
async fn a_line_cut_by_a_heartbeat_loses_no_byte() {
    let mut client = start(1024);
    client.send("hel").await;
    time::sleep(Duration::from_secs(15)).await; // the heartbeat fires at 10 s, mid-line
    client.send("lo\n").await;
    assert_eq!(client.line().await.1, "PING", "the heartbeat at 10 s");
    assert_eq!(
        client.line().await.1,
        "HELLO",
        "\"hel\", a heartbeat, then \"lo\\n\": the reply must be to \"hello\". The read \
         was cancelled when the heartbeat branch won: read_line is not cancel safe; \
         read_until into a Vec kept outside the loop is (clear it after a whole line)"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_says_bye_and_ends_the_session() {
    let mut client = start(1024);
    assert_eq!(client.line().await, at(10, "PING"));
    time::sleep(Duration::from_secs(2)).await;
    client.shutdown.take().unwrap().send(()).unwrap();
    assert_eq!(client.line().await, at(12, "BYE shutdown"));
    assert_eq!(client.end().await, (12, End::Shutdown));
}

#[tokio::test(start_paused = true)]
async fn a_client_that_does_not_read_is_let_go_after_the_write_limit() {
    // Buffers of 8 bytes: the 9-byte reply cannot all fit while the client reads nothing.
    let mut client = start(8);
    client.send("abcdefgh\n").await;
    assert_eq!(
        client.end().await,
        (5, End::SlowClient),
        "(second, end): a reply the client does not read may wait 5 s (write_limit), then \
         the session ends: wrap write_all in tokio::time::timeout"
    );
}
