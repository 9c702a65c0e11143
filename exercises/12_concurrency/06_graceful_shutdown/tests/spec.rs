//! The specification, tested from outside over real TCP, with a real HTTP client (ureq) and
//! with raw bytes: after the shutdown signal the server refuses new connections, finishes
//! and answers a request in flight (with `connection: close`), closes idle keep-alive
//! connections at once, aborts what still runs at the deadline, and returns a report. The
//! deadline is measured on tokio's paused clock: 30 s of grace pass in microseconds.

use std::cell::Cell;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use graceful_shutdown::{Report, Work, serve};
use testkit::tcp;
use tokio::sync::{Semaphore, oneshot};

/// How long a test waits for something that must happen.
const PATIENCE: Duration = tcp::TIMEOUT;
/// A grace period the tests never reach on the real clock.
const LONG: Duration = Duration::from_secs(10);

/// What the server's thread hands back: serve's result, and how long after the shutdown
/// signal it returned, on the runtime's clock.
type Ended = (std::io::Result<Report>, Duration);

/// The learner's server on a current_thread runtime of its own thread.
struct Server {
    addr: SocketAddr,
    /// Its port, held until the test ends: once `serve` drops the listener, connections are
    /// refused and no other test process can be given the port and accept them.
    _port: tcp::ReservedPort,
    signal: Option<oneshot::Sender<()>>,
    ended: mpsc::Receiver<Ended>,
    /// Whether the test has received `ended` already.
    ended_seen: Cell<bool>,
    /// Requests whose body starts with "slow" wait for a permit from here.
    gate: Arc<Semaphore>,
    /// The "slow" requests that have started, in order.
    started: mpsc::Receiver<String>,
}

impl Server {
    /// A server on the real clock.
    fn start(grace: Duration) -> Server {
        Server::on_runtime(grace, false)
    }

    /// A server on tokio's paused clock: when every task waits, time jumps to the next timer.
    fn start_paused(grace: Duration) -> Server {
        Server::on_runtime(grace, true)
    }

    fn on_runtime(grace: Duration, paused: bool) -> Server {
        let port = tcp::ReservedPort::new();
        let listener = port.listen();
        listener.set_nonblocking(true).unwrap();
        let addr = port.addr();
        let (signal, signalled) = oneshot::channel::<()>();
        let (ended_tx, ended) = mpsc::channel();
        let gate = Arc::new(Semaphore::new(0));
        let (started_tx, started) = mpsc::channel();
        let started_tx = Mutex::new(started_tx);
        let work_gate = Arc::clone(&gate);
        let work: Work = Arc::new(move |body: String| {
            let gate = Arc::clone(&work_gate);
            if body.starts_with("slow") {
                started_tx.lock().unwrap().send(body.clone()).unwrap();
            }
            Box::pin(async move {
                if body.starts_with("slow") {
                    gate.acquire().await.unwrap().forget();
                    return format!("done {body}");
                }
                body
            })
        });
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .start_paused(paused)
                .build()
                .unwrap();
            let ended = runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                // The signal passes through here, so that the time it arrived is known.
                let (shutdown_tx, shutdown) = oneshot::channel();
                let at = tokio::spawn(async move {
                    let _ = signalled.await;
                    let at = tokio::time::Instant::now();
                    let _ = shutdown_tx.send(());
                    at
                });
                let got = serve(listener, work, shutdown, grace).await;
                let took = at.await.map(|at| at.elapsed()).unwrap_or_default();
                (got, took)
            });
            let _ = ended_tx.send(ended);
        });
        Server {
            addr,
            _port: port,
            signal: Some(signal),
            ended,
            ended_seen: Cell::new(false),
            gate,
            started,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn shut_down(&mut self) {
        self.signal.take().unwrap().send(()).unwrap();
    }

    /// The report and how long after the signal serve returned, once it has.
    #[track_caller]
    fn ended(&self) -> (Report, Duration) {
        let ended = self.ended.recv_timeout(PATIENCE);
        self.ended_seen.set(true);
        match ended {
            Ok((got, took)) => (got.expect("serve returned an error"), took),
            Err(_) => panic!(
                "serve did not return within 2 s of the shutdown (or panicked): it must drop \
                 the listener, tell the connections, and wait for them at most `grace`"
            ),
        }
    }

    #[track_caller]
    fn report(&self) -> Report {
        self.ended().0
    }

    #[track_caller]
    fn wait_started(&self, request: &str) {
        let got = self.started.recv_timeout(PATIENCE);
        assert_eq!(
            got.as_deref(),
            Ok(request),
            "the request {request:?} never started"
        );
    }

    /// Tries to connect until the server refuses; fails the test if it does not within
    /// PATIENCE. Each probe accepted before that is an idle connection of the server's.
    #[track_caller]
    fn assert_refuses_soon(&self) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            match TcpStream::connect_timeout(&self.addr, PATIENCE) {
                Err(e) if e.kind() == ErrorKind::ConnectionRefused => return,
                _ => thread::yield_now(),
            }
        }
        panic!(
            "with a request still in flight after the shutdown signal, new connections were \
             still accepted: stop the accept loop and drop the listener at once, before \
             waiting for the connections"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.gate.add_permits(100); // nothing stays stuck
        if let Some(signal) = self.signal.take() {
            let _ = signal.send(());
        }
        if !self.ended_seen.get() {
            let _ = self.ended.recv_timeout(PATIENCE);
        }
    }
}

/// A ureq agent with a time limit.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(PATIENCE))
        .build()
        .into()
}

/// What ureq got back: status, the `connection` header, body.
#[derive(Debug, PartialEq, Eq)]
struct Reply {
    status: u16,
    connection: Option<String>,
    body: String,
}

fn post(agent: &ureq::Agent, url: &str, body: &str) -> Result<Reply, ureq::Error> {
    let mut response = agent.post(url).send(body)?;
    let connection = response
        .headers()
        .get("connection")
        .map(|v| v.to_str().unwrap().to_string());
    Ok(Reply {
        status: response.status().as_u16(),
        connection,
        body: response.body_mut().read_to_string()?,
    })
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

    fn post(&mut self, body: &str) {
        let request = format!(
            "POST / HTTP/1.1\r\nhost: test\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer.write_all(request.as_bytes()).unwrap();
    }

    /// The next response's head lines and body, or why there is none.
    fn response(&mut self) -> Result<(Vec<String>, String), String> {
        let mut head = Vec::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return Err("the server closed the connection".into()),
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                    return Err("the server closed the connection".into());
                }
                Err(e) if tcp::is_timeout(&e) => return Err("nothing within 2 s".into()),
                Err(e) => return Err(e.to_string()),
            }
            let line = line.trim_end().to_string();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
            head.push(line);
        }
        let mut body = vec![0; length];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| format!("the body was cut: {e}"))?;
        Ok((head, String::from_utf8_lossy(&body).into_owned()))
    }

    /// Whatever the server sends until it closes the connection, as text.
    #[track_caller]
    fn rest(&mut self) -> String {
        let (got, end) = tcp::read_until_close(&mut self.reader);
        let got = String::from_utf8_lossy(&got).into_owned();
        match end {
            Ok(()) => got,
            Err(e) if tcp::is_timeout(&e) => {
                panic!("the server kept the connection open (after {got:?})")
            }
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn a_request_is_answered() {
    let server = Server::start(LONG);
    assert_eq!(
        post(&agent(), &server.url(), "hello").unwrap(),
        Reply {
            status: 200,
            connection: None,
            body: "hello".into()
        },
        "before any shutdown, a request gets 200 and work(body), and the connection stays \
         open (no connection: close)"
    );
}

#[test]
fn a_connection_carries_request_after_request() {
    let server = Server::start(LONG);
    let mut client = Raw::connect(&server);
    for body in ["one", "two"] {
        client.post(body);
        let got = client.response().map(|(_, body)| body);
        assert_eq!(
            got.as_deref(),
            Ok(body),
            "request {body:?} on a kept-alive connection: loop until the client closes it"
        );
    }
}

#[test]
fn with_no_connections_shutdown_returns_at_once() {
    let mut server = Server::start(LONG);
    server.shut_down();
    assert_eq!(
        server.report(),
        Report {
            closed: 0,
            aborted: 0
        }
    );
    assert!(
        TcpStream::connect(server.addr).is_err(),
        "nothing listens after serve returned"
    );
}

#[test]
fn new_connections_are_refused_once_the_shutdown_starts() {
    let mut server = Server::start(LONG);
    let mut busy = Raw::connect(&server);
    busy.post("slow payment");
    server.wait_started("slow payment");
    server.shut_down();
    server.assert_refuses_soon();
    let refused = post(&agent(), &server.url(), "too late");
    assert!(
        matches!(&refused, Err(ureq::Error::Io(e)) if e.kind() == ErrorKind::ConnectionRefused),
        "a new client during the shutdown must be refused, got {refused:?}"
    );
}

#[test]
fn a_request_in_flight_at_the_shutdown_is_answered() {
    let mut server = Server::start(LONG);
    let url = server.url();
    let in_flight = thread::spawn(move || post(&agent(), &url, "slow payment"));
    server.wait_started("slow payment");
    server.shut_down();
    server.assert_refuses_soon(); // the shutdown is under way
    server.gate.add_permits(1);
    let got = in_flight.join().unwrap();
    assert!(
        matches!(&got, Ok(Reply { status: 200, body, .. }) if body == "done slow payment"),
        "a request in flight at the shutdown must finish and be answered 200, got {got:?}: \
         run work and the reply outside the select! that watches for the shutdown"
    );
    // The probes connected before the listener closed count as closed too.
    let report = server.report();
    assert!(
        report.closed >= 1 && report.aborted == 0,
        "{report:?}: the finished request's connection is closed, none aborted"
    );
}

#[test]
fn the_reply_sent_during_the_shutdown_says_connection_close() {
    let mut server = Server::start(LONG);
    let mut busy = Raw::connect(&server);
    busy.post("slow payment");
    server.wait_started("slow payment");
    server.shut_down();
    server.assert_refuses_soon();
    server.gate.add_permits(1);
    let (head, body) = busy.response().expect("the request in flight is answered");
    assert_eq!(body, "done slow payment");
    assert!(
        head.iter()
            .any(|line| line.eq_ignore_ascii_case("connection: close")),
        "the reply sent after the shutdown signal must say connection: close (RFC 9112 \
         §9.6), so that the client sends nothing more on this connection; got {head:?}"
    );
    assert_eq!(
        busy.rest(),
        "",
        "after that reply, the server closes the connection"
    );
}

#[test]
fn an_idle_keep_alive_connection_is_closed_at_once() {
    let mut server = Server::start(LONG);
    let agent = agent();
    let reply = post(&agent, &server.url(), "hi").unwrap();
    assert_eq!(reply.body, "hi");
    // ureq keeps that connection open in its pool, for a next request that never comes.
    server.shut_down();
    assert_eq!(
        server.report(),
        Report {
            closed: 1,
            aborted: 0
        },
        "a keep-alive connection waiting for its next request must be closed at the \
         shutdown (it has nothing in flight); waiting for it takes the whole grace period"
    );
}

#[test]
fn a_connection_that_never_sent_a_byte_is_closed() {
    let mut server = Server::start(LONG);
    let mut idle = Raw::connect(&server);
    let mut first = Raw::connect(&server);
    first.post("proves both are accepted");
    first.response().unwrap();
    server.shut_down();
    assert_eq!(
        idle.rest(),
        "",
        "an idle connection is closed at the shutdown, without a reply"
    );
    assert_eq!(
        server.report(),
        Report {
            closed: 2,
            aborted: 0
        }
    );
}

#[test]
fn a_stuck_request_is_aborted_at_the_deadline() {
    let grace = Duration::from_secs(30);
    let mut server = Server::start_paused(grace);
    let mut stuck = Raw::connect(&server);
    stuck.post("slow forever");
    server.wait_started("slow forever");
    server.shut_down();
    let (report, took) = server.ended();
    let why = if report.closed == 1 {
        "the stuck request's connection ended at the shutdown signal, before the deadline: \
         a request in flight must be left to run (outside the select!) until the grace \
         period ends"
    } else {
        "a request still running when the grace period of 30 s ends must be aborted, so \
         that serve returns: use tokio::time::timeout around the wait, then abort the rest"
    };
    assert_eq!(
        report,
        Report {
            closed: 0,
            aborted: 1
        },
        "{why}"
    );
    assert!(
        took >= grace,
        "serve returned {took:?} after the signal, before the grace period of 30 s: a \
         request in flight deserves the whole grace period"
    );
    assert!(
        took < grace + Duration::from_secs(1),
        "serve returned {took:?} after the signal: the deadline is the grace period, 30 s"
    );
    assert_eq!(
        stuck.rest(),
        "",
        "the aborted connection is closed, without a reply"
    );
}
