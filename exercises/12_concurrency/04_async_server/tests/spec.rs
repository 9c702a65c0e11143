//! The specification: the server answers POST /echo, POST /work and 404 over HTTP/1.1,
//! several requests per connection, serves every connection in a task of its own, and keeps
//! serving the others while one connection's blocking work runs. It is called with a real
//! HTTP client (ureq) and with raw bytes over TCP. The server runs on a current_thread
//! runtime: one thread for all its tasks, so a blocking call in a task stops everything,
//! every time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use async_server::{Work, serve};
use testkit::tcp;
use tokio::sync::oneshot;

/// How long a test waits for something that must happen.
const PATIENCE: Duration = tcp::TIMEOUT;

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

/// A blocking work the test controls: it reports each input as it starts, then blocks its
/// thread until the test sends on `release` (or drops it), and returns the input uppercased.
fn gated() -> (Work, mpsc::Receiver<String>, mpsc::Sender<()>) {
    let (started_tx, started) = mpsc::channel();
    let started_tx = Mutex::new(started_tx);
    let (release, released) = mpsc::channel::<()>();
    let released = Mutex::new(released);
    let work: Work = Arc::new(move |input: &str| {
        started_tx.lock().unwrap().send(input.to_string()).unwrap();
        let _ = released
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(5));
        input.to_uppercase()
    });
    (work, started, release)
}

/// A ureq agent that returns 4xx as responses, not errors, with a time limit.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(PATIENCE))
        .build()
        .into()
}

/// POSTs `body` to `path` with ureq: the status and body, or why there are none.
fn post(
    agent: &ureq::Agent,
    addr: SocketAddr,
    path: &str,
    body: &str,
) -> Result<(u16, String), String> {
    let mut response = agent
        .post(format!("http://{addr}{path}"))
        .send(body)
        .map_err(|e| format!("POST {path} failed: {e}"))?;
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("POST {path}: the body could not be read: {e}"))?;
    Ok((response.status().as_u16(), text))
}

/// A raw HTTP request: a POST with a text body.
fn raw_post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: test\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A client speaking raw bytes.
struct Raw {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Raw {
    fn connect(server: &Server) -> Raw {
        let stream = tcp::connect(server.addr);
        Raw {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
    }

    /// The next response as (status line, body), or why there is none.
    fn response(&mut self) -> Result<(String, String), String> {
        let mut status = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return Err("the server closed the connection".into()),
                Ok(_) => {}
                Err(e) if tcp::is_timeout(&e) => return Err("no answer within 2 s".into()),
                Err(e) => return Err(e.to_string()),
            }
            let line = line.trim_end();
            if status.is_empty() {
                status = line.to_string();
            } else if line.is_empty() {
                break;
            } else if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| format!("the body of {status:?} was cut: {e}"))?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

#[test]
fn echo_replies_with_the_body() {
    let server = Server::start(uppercase());
    assert_eq!(
        post(&agent(), server.addr, "/echo", "hello"),
        Ok((200, "hello".into())),
        "POST /echo with the body \"hello\": 200 and the same body"
    );
}

#[test]
fn an_unknown_path_is_404_and_the_connection_goes_on() {
    let server = Server::start(uppercase());
    let mut client = Raw::connect(&server);
    client.send("GET /nope HTTP/1.1\r\nhost: test\r\n\r\n");
    let (status, _) = client.response().unwrap();
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    client.send(&raw_post("/echo", "still here"));
    assert_eq!(
        client.response(),
        Ok(("HTTP/1.1 200 OK".into(), "still here".into())),
        "a connection carries request after request (keep-alive): loop on read_request \
         until it gives None"
    );
}

#[test]
fn requests_sent_together_are_answered_in_order() {
    let server = Server::start(uppercase());
    let mut client = Raw::connect(&server);
    client.send(&format!(
        "{}{}{}",
        raw_post("/echo", "one"),
        raw_post("/nope", ""),
        raw_post("/work", "two")
    ));
    let got: Vec<String> = (1..=3)
        .map(|n| {
            let (status, body) = client.response().unwrap_or_else(|e| {
                panic!("response {n} of 3: {e}; every request on a connection gets its response")
            });
            format!("{status} {body}")
        })
        .collect();
    assert_eq!(
        got,
        [
            "HTTP/1.1 200 OK one",
            "HTTP/1.1 404 Not Found not found\n",
            "HTTP/1.1 200 OK TWO"
        ],
        "three requests in one write (pipelined) get three responses, in order"
    );
}

#[test]
fn a_request_split_across_writes_is_one_request() {
    let server = Server::start(uppercase());
    let mut client = Raw::connect(&server);
    let request = raw_post("/echo", "split");
    let (head, rest) = request.split_at(10);
    client.send(head);
    client.send(rest);
    assert_eq!(
        client.response(),
        Ok(("HTTP/1.1 200 OK".into(), "split".into())),
        "a request in two writes is one request: read through the BufReader"
    );
}

#[test]
fn unicode_is_echoed_unchanged() {
    let server = Server::start(uppercase());
    assert_eq!(
        post(&agent(), server.addr, "/echo", "café ☕ 東京"),
        Ok((200, "café ☕ 東京".into()))
    );
}

#[test]
fn work_replies_with_the_result_of_the_blocking_call() {
    let server = Server::start(uppercase());
    assert_eq!(
        post(&agent(), server.addr, "/work", "make me loud"),
        Ok((200, "MAKE ME LOUD".into())),
        "POST /work replies with work(body)"
    );
}

#[test]
fn a_silent_client_does_not_hold_up_another() {
    let server = Server::start(uppercase());
    let _silent = Raw::connect(&server); // connected first, never sends a byte
    assert_eq!(
        post(&agent(), server.addr, "/echo", "hi"),
        Ok((200, "hi".into())),
        "a second client got no answer while the first sat idle: spawn a task per \
         connection instead of awaiting handle inside the accept loop"
    );
}

#[test]
fn a_client_gone_mid_request_does_not_stop_the_server() {
    let server = Server::start(uppercase());
    let mut leaving = Raw::connect(&server);
    leaving.send("POST /echo HTTP/1.1\r\ncontent-le");
    drop(leaving);
    let mut garbage = Raw::connect(&server);
    garbage.send("not http at all\r\n\r\n");
    assert_eq!(
        garbage.response(),
        Err("the server closed the connection".into()),
        "a malformed request ends its connection"
    );
    assert_eq!(
        post(&agent(), server.addr, "/echo", "next"),
        Ok((200, "next".into())),
        "one client's end is not the server's end"
    );
}

#[test]
fn another_client_is_served_while_one_runs_blocking_work() {
    let (work, started, release) = gated();
    let server = Server::start(work);
    let mut busy = Raw::connect(&server);
    busy.send(&raw_post("/work", "slow"));
    assert_eq!(
        started.recv_timeout(PATIENCE),
        Ok("slow".into()),
        "POST /work with the body \"slow\" must call work(\"slow\")"
    );

    let meanwhile = post(&agent(), server.addr, "/echo", "meanwhile");
    drop(release); // lets the blocked work return, whatever happened
    assert_eq!(
        meanwhile,
        Ok((200, "meanwhile".into())),
        "while one connection's work was blocked, /echo on another got no answer: the \
         blocking call holds the runtime's only thread. Run it with \
         tokio::task::spawn_blocking and .await its JoinHandle"
    );
    assert_eq!(
        busy.response(),
        Ok(("HTTP/1.1 200 OK".into(), "SLOW".into())),
        "the blocked work answers once it returns"
    );
}

#[test]
fn many_clients_run_their_blocking_work_at_the_same_time() {
    const CLIENTS: usize = 8;
    let (work, started, release) = gated();
    let server = Arc::new(Server::start(work));
    let calls: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let server = Arc::clone(&server);
            thread::spawn(move || post(&agent(), server.addr, "/work", &format!("job {i}")))
        })
        .collect();
    let mut inputs: Vec<String> = (0..CLIENTS)
        .map_while(|_| started.recv_timeout(PATIENCE).ok())
        .collect();
    let meanwhile = post(&agent(), server.addr, "/echo", "fast");
    drop(release);
    let answers: Vec<_> = calls.into_iter().map(|c| c.join().unwrap()).collect();
    inputs.sort();
    assert_eq!(
        inputs.len(),
        CLIENTS,
        "{CLIENTS} clients sent POST /work at once, and only {inputs:?} ran at the same \
         time: each work must run on its own blocking-pool thread (spawn_blocking), not \
         on the runtime's one thread"
    );
    assert_eq!(
        meanwhile,
        Ok((200, "fast".into())),
        "with {CLIENTS} blocking works running, /echo must still answer"
    );
    for (i, answer) in answers.into_iter().enumerate() {
        assert_eq!(answer, Ok((200, format!("JOB {i}"))));
    }
}
