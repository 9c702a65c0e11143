//! The specification, tested from outside over real TCP: after the shutdown signal the
//! server refuses new connections, finishes and answers a request in flight, closes idle
//! connections, aborts what is still running at the deadline, and returns a report.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use graceful_shutdown::{Report, Work, serve};
use testkit::tcp;
use tokio::sync::{Semaphore, oneshot};

/// How long a test waits for something that must happen.
const PATIENCE: Duration = Duration::from_secs(2);

/// The learner's server on a runtime of its own thread.
struct Server {
    addr: SocketAddr,
    signal: Option<oneshot::Sender<()>>,
    report: mpsc::Receiver<std::io::Result<Report>>,
    /// Requests that start with "slow" wait for a permit from here.
    gate: Arc<Semaphore>,
    /// The "slow" requests that have started, in order.
    started: mpsc::Receiver<String>,
}

impl Server {
    fn start(grace: Duration) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (signal, shutdown) = oneshot::channel();
        let (report_tx, report) = mpsc::channel();
        let gate = Arc::new(Semaphore::new(0));
        let (started_tx, started) = mpsc::channel();
        let started_tx = Mutex::new(started_tx);
        let work_gate = Arc::clone(&gate);
        let work: Work = Arc::new(move |line: String| {
            let gate = Arc::clone(&work_gate);
            if line.starts_with("slow") {
                started_tx.lock().unwrap().send(line.clone()).unwrap();
            }
            Box::pin(async move {
                if line.starts_with("slow") {
                    gate.acquire().await.unwrap().forget();
                    return format!("done {line}");
                }
                line
            })
        });
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let got = runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                serve(listener, work, shutdown, grace).await
            });
            let _ = report_tx.send(got);
        });
        Server {
            addr,
            signal: Some(signal),
            report,
            gate,
            started,
        }
    }

    fn shut_down(&mut self) {
        self.signal.take().unwrap().send(()).unwrap();
    }

    /// The report, once serve has returned.
    #[track_caller]
    fn report(&self) -> Report {
        match self.report.recv_timeout(PATIENCE) {
            Ok(got) => got.expect("serve returned an error"),
            Err(_) => panic!(
                "serve did not return within 2 s of the shutdown (or panicked): it must drop \
                 the listener, tell the connections, and wait for them at most `grace`"
            ),
        }
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
}

impl Drop for Server {
    fn drop(&mut self) {
        self.gate.add_permits(100); // nothing stays stuck
        if let Some(signal) = self.signal.take() {
            let _ = signal.send(());
            let _ = self.report.recv_timeout(PATIENCE);
        }
    }
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

    fn send(&mut self, line: &str) {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
    }

    /// The next line, `Ok(None)` at the end of the connection, or why there is neither.
    fn line(&mut self) -> Result<Option<String>, String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(line.trim_end().to_string())),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Ok(None),
            Err(e) if tcp::is_timeout(&e) => Err("nothing within 2 s".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Tries to connect until the server refuses (at most PATIENCE): whether it did.
fn refused_soon(addr: SocketAddr) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        match TcpStream::connect_timeout(&addr, PATIENCE) {
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => return true,
            _ => thread::yield_now(),
        }
    }
    false
}

#[test]
fn a_request_is_answered() {
    let server = Server::start(Duration::from_secs(10));
    let mut client = Client::connect(&server);
    client.send("hello");
    assert_eq!(client.line(), Ok(Some("hello".into())));
}

#[test]
fn with_no_connections_shutdown_returns_at_once() {
    let mut server = Server::start(Duration::from_secs(10));
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
fn new_connections_are_refused_while_a_request_finishes() {
    let mut server = Server::start(Duration::from_secs(10));
    let mut busy = Client::connect(&server);
    busy.send("slow payment");
    server.wait_started("slow payment");
    server.shut_down();
    assert!(
        refused_soon(server.addr),
        "with a request still in flight after the shutdown signal, new connections were \
         still accepted: stop the accept loop and drop the listener at once, before \
         waiting for the connections"
    );
    server.gate.add_permits(1);
    assert_eq!(
        busy.line(),
        Ok(Some("done slow payment".into())),
        "a request in flight at the shutdown must finish and be answered: run the request \
         outside the select! that watches for the shutdown"
    );
    assert_eq!(
        busy.line(),
        Ok(None),
        "after its request, the connection closes"
    );
    // The probes accepted before the listener closed count as closed too.
    let report = server.report();
    assert!(
        report.closed >= 1 && report.aborted == 0,
        "{report:?}: the finished request's connection is closed, none aborted"
    );
}

#[test]
fn an_idle_connection_is_closed_without_waiting_for_the_deadline() {
    let mut server = Server::start(Duration::from_secs(10));
    let mut idle = Client::connect(&server);
    idle.send("hi");
    assert_eq!(idle.line(), Ok(Some("hi".into())));
    server.shut_down();
    assert_eq!(
        idle.line(),
        Ok(None),
        "a connection waiting for its next request must be closed at the shutdown (it has \
         nothing in flight); waiting for it could take the whole grace period, or forever"
    );
    assert_eq!(
        server.report(),
        Report {
            closed: 1,
            aborted: 0
        }
    );
}

#[test]
fn a_stuck_request_is_aborted_at_the_deadline() {
    let mut server = Server::start(Duration::from_millis(300));
    let mut stuck = Client::connect(&server);
    stuck.send("slow forever");
    server.wait_started("slow forever");
    let signalled = Instant::now();
    server.shut_down();
    let report = server.report();
    assert_eq!(
        report,
        Report {
            closed: 0,
            aborted: 1
        },
        "a request still running when the grace period of 300 ms ends must be aborted, so \
         that serve returns: use tokio::time::timeout around the wait, then abort the rest"
    );
    assert!(
        signalled.elapsed() >= Duration::from_millis(300),
        "serve returned {:?} after the signal, before the grace period of 300 ms: a request \
         in flight deserves the whole grace period",
        signalled.elapsed()
    );
    assert_eq!(
        stuck.line(),
        Ok(None),
        "the aborted connection is closed, without a reply"
    );
}
