//! The specification: the server answers ECHO, WORK and unknown commands line by line,
//! serves every connection in a task of its own, and keeps serving the others while one
//! connection's blocking WORK runs. The server runs on a current_thread runtime: one
//! thread for all its tasks, so a blocking call in a task stops everything, every time.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use async_server::{Work, serve};
use testkit::tcp;
use tokio::sync::oneshot;

/// How long a test waits for something that must happen.
const PATIENCE: Duration = Duration::from_secs(2);

/// The learner's server on a current_thread runtime of its own thread; dropping it stops
/// the server (its runtime, tasks and listener) and joins the thread.
struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Server {
    fn start(work: Work) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                tokio::select! {
                    ended = serve(listener, work) => panic!("serve returned by itself: {ended:?}"),
                    _ = stopped => {}
                }
            });
        });
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.take().unwrap().send(());
        let _ = self.thread.take().unwrap().join();
    }
}

fn uppercase() -> Work {
    Arc::new(|input: &str| input.to_uppercase())
}

/// A blocking WORK the test controls: it reports each input as it starts, then blocks its
/// thread until the test sends on `release` (or drops it), and returns the input uppercased.
fn gated() -> (Work, mpsc::Receiver<String>, mpsc::Sender<()>) {
    let (started_tx, started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let released = Mutex::new(released);
    let work: Work = Arc::new(move |input: &str| {
        started_tx.send(input.to_string()).unwrap();
        let _ = released
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(5));
        input.to_uppercase()
    });
    (work, started, release)
}

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(server: &Server) -> Client {
        let stream = tcp::connect(server.addr);
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
    }

    /// The next line from the server, or why there is none.
    fn line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(_) => Ok(line),
            Err(e) if tcp::is_timeout(&e) => Err("no answer within 2 s".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[track_caller]
    fn ask(&mut self, command: &str) -> String {
        self.send(command);
        self.line()
            .unwrap_or_else(|e| panic!("sent {command:?}: {e}"))
    }
}

#[test]
fn echo_replies_with_the_text() {
    let server = Server::start(uppercase());
    let mut client = Client::connect(&server);
    assert_eq!(
        client.ask("ECHO hello\n"),
        "hello\n",
        "ECHO hello: one line back"
    );
}

#[test]
fn an_unknown_command_gets_an_error_line() {
    let server = Server::start(uppercase());
    let mut client = Client::connect(&server);
    assert_eq!(client.ask("PING\n"), "ERR unknown command\n");
    assert_eq!(
        client.ask("ECHO still here\n"),
        "still here\n",
        "the connection stays open after an unknown command"
    );
}

#[test]
fn commands_sent_together_are_answered_in_order() {
    let server = Server::start(uppercase());
    let mut client = Client::connect(&server);
    client.send("ECHO one\nNOPE\nECHO two\n");
    let got: Vec<String> = (0..3).map(|_| client.line().unwrap()).collect();
    assert_eq!(
        got,
        ["one\n", "ERR unknown command\n", "two\n"],
        "three commands in one write"
    );
}

#[test]
fn a_command_split_across_writes_is_one_command() {
    let server = Server::start(uppercase());
    let mut client = Client::connect(&server);
    // The answer to the first command proves the server has read up to there; the rest of
    // the second line comes in a later write.
    assert_eq!(client.ask("ECHO first\nEC"), "first\n");
    assert_eq!(
        client.ask("HO split line\n"),
        "split line\n",
        "\"EC\" then \"HO split line\\n\" is one command: a read is not a line, keep \
         the bytes until the line end (BufReader and lines do)"
    );
}

#[test]
fn unicode_text_is_echoed_unchanged() {
    let server = Server::start(uppercase());
    let mut client = Client::connect(&server);
    assert_eq!(client.ask("ECHO café ☕ 東京\n"), "café ☕ 東京\n");
}

#[test]
fn work_replies_with_the_result_of_the_blocking_call() {
    let server = Server::start(uppercase());
    let mut client = Client::connect(&server);
    assert_eq!(
        client.ask("WORK make me loud\n"),
        "MAKE ME LOUD\n",
        "WORK replies with work(input)"
    );
}

#[test]
fn a_silent_client_does_not_hold_up_another() {
    let server = Server::start(uppercase());
    let _silent = Client::connect(&server); // connected first, never sends a byte
    let mut other = Client::connect(&server);
    other.send("ECHO hi\n");
    assert_eq!(
        other.line(),
        Ok("hi\n".into()),
        "a second client got no answer while the first sat idle: spawn a task per \
         connection instead of awaiting handle inside the accept loop"
    );
}

#[test]
fn a_client_gone_mid_line_does_not_stop_the_server() {
    let server = Server::start(uppercase());
    let mut leaving = Client::connect(&server);
    leaving.send("ECHO half a li");
    drop(leaving);
    let mut next = Client::connect(&server);
    assert_eq!(
        next.ask("ECHO next\n"),
        "next\n",
        "one client's end is not the server's end"
    );
}

#[test]
fn other_connections_are_served_while_one_runs_blocking_work() {
    let (work, started, release) = gated();
    let server = Server::start(work);
    let mut busy = Client::connect(&server);
    busy.send("WORK slow\n");
    assert_eq!(
        started.recv_timeout(PATIENCE),
        Ok("slow".into()),
        "WORK slow must call work(\"slow\")"
    );

    let mut other = Client::connect(&server);
    other.send("ECHO meanwhile\n");
    let meanwhile = other.line();
    drop(release); // lets the blocked work return, whatever happened
    assert_eq!(
        meanwhile,
        Ok("meanwhile\n".into()),
        "while one connection's WORK was blocked, ECHO on another got no answer: the \
         blocking call holds the runtime's only thread. Run it with \
         tokio::task::spawn_blocking and .await its JoinHandle"
    );
    assert_eq!(
        busy.line(),
        Ok("SLOW\n".into()),
        "the blocked WORK answers once it returns"
    );
}

#[test]
fn two_connections_run_their_blocking_work_at_the_same_time() {
    let (work, started, release) = gated();
    let server = Server::start(work);
    let mut first = Client::connect(&server);
    let mut second = Client::connect(&server);
    first.send("WORK a\n");
    second.send("WORK b\n");
    let mut inputs: Vec<String> = (0..2)
        .map_while(|_| started.recv_timeout(PATIENCE).ok())
        .collect();
    drop(release);
    inputs.sort();
    assert_eq!(
        inputs,
        ["a", "b"],
        "both WORKs must be running at once, each on a blocking-pool thread"
    );
    assert_eq!(first.line(), Ok("A\n".into()));
    assert_eq!(second.line(), Ok("B\n".into()));
}

#[tokio::test]
async fn a_tokio_client_is_served_too() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let server = Server::start(uppercase());
    let stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let (reader, mut writer) = stream.into_split();
    let mut lines = tokio::io::BufReader::new(reader).lines();
    writer
        .write_all(b"ECHO async\nWORK client\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        let line = tokio::time::timeout(PATIENCE, lines.next_line()).await;
        got.push(
            line.expect("no answer within 2 s")
                .unwrap()
                .unwrap_or_default(),
        );
    }
    assert_eq!(got, ["async", "CLIENT"]);
}
