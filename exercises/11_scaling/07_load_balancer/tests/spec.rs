//! The specification, over real sockets: backends the tests start on 127.0.0.1:0 count the
//! requests they serve; the balancer spreads requests round-robin, takes a backend whose port
//! refuses connections out of rotation and retries the request elsewhere so that no request
//! is lost, never retries a request a backend has taken, holds no lock while a backend works,
//! and leaves nothing listening. Health time is a `ManualClock`; nothing sleeps.
//!
//! A backend's port is a `testkit::tcp::ReservedPort`: killing the backend closes its listener,
//! and the port stays taken until the test ends, so no other test process can be given it and
//! answer where this test expects a refusal.

use load_balancer::server::{self, Server};
use load_balancer::{HealthConfig, ManualClock, Proxy, State};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use testkit::tcp::{OwnListener, ReservedPort};

const COOL_DOWN: Duration = Duration::from_secs(30);

/// A backend on a reserved port of 127.0.0.1 that answers each request line with
/// `respond(line)`, or closes without answering on `None`, and counts the requests it read.
struct Backend {
    addr: SocketAddr,
    /// Held until the backend drops, so that after `kill` the port refuses connections.
    _port: ReservedPort,
    served: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Backend {
    fn start(respond: impl Fn(&str) -> Option<String> + Send + 'static) -> Backend {
        let port = ReservedPort::new();
        let (listener, addr) = (port.listen(), port.addr());
        let (served, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (count, stopping) = (Arc::clone(&served), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                conn.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                let mut line = String::new();
                if BufReader::new(&conn).read_line(&mut line).is_err() || line.is_empty() {
                    continue;
                }
                count.fetch_add(1, Ordering::SeqCst);
                if let Some(answer) = respond(&line) {
                    let _ = conn.write_all(answer.as_bytes());
                }
            }
        });
        Backend {
            addr,
            _port: port,
            served,
            stop,
            thread: Some(thread),
        }
    }

    /// A backend that answers `"{name} {request}"`.
    fn named(name: &'static str) -> Backend {
        Backend::start(move |line| Some(format!("{name} {line}")))
    }

    fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    /// Stops it and closes its listener: connections to it are refused from now on.
    fn kill(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.stop.store(true, Ordering::SeqCst);
            let _ = TcpStream::connect(self.addr);
            thread.join().unwrap();
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A balancer in front of `backends`, ejecting after `failures` failures in a row.
fn balancer(backends: &[&Backend], failures: u32) -> (Arc<Proxy>, Server, ManualClock) {
    let clock = ManualClock::default();
    let config = HealthConfig {
        failures_to_eject: failures,
        cool_down: COOL_DOWN,
    };
    let addrs = backends.iter().map(|b| b.addr).collect();
    let proxy = Arc::new(Proxy::new(addrs, config, clock.clone()));
    let server = server::start(Arc::clone(&proxy)).expect("the balancer starts");
    (proxy, server, clock)
}

/// Sends one request line to the balancer and reads everything it answers.
fn request(addr: SocketAddr, line: &str) -> String {
    let mut stream = testkit::tcp::connect(addr);
    stream.write_all(line.as_bytes()).unwrap();
    let (answer, end) = testkit::tcp::read_until_close(&mut stream);
    if let Err(e) = end {
        panic!(
            "no complete answer to {line:?} within 2 s ({e}); got {:?}",
            String::from_utf8_lossy(&answer)
        );
    }
    String::from_utf8(answer).expect("the answer is text")
}

fn state(proxy: &Proxy, backend: usize) -> State {
    proxy.balancer.lock().unwrap().health.states[backend]
}

// ---------------------------------------------------------------------------------------------
// Forwarding and spreading

#[test]
fn a_request_reaches_a_backend_and_its_answer_comes_back() {
    let b0 = Backend::named("b0");
    let (_proxy, server, _clock) = balancer(&[&b0], 1);
    assert_eq!(
        request(server.addr, "GET /users/7\n"),
        "b0 GET /users/7\n",
        "the backend's answer line, unchanged"
    );
    assert_eq!(b0.served(), 1, "exactly one request reached the backend");
}

#[test]
fn requests_go_round_robin() {
    let backends = [
        Backend::named("b0"),
        Backend::named("b1"),
        Backend::named("b2"),
    ];
    let (_proxy, server, _clock) = balancer(&[&backends[0], &backends[1], &backends[2]], 1);
    for i in 0..30 {
        let answer = request(server.addr, &format!("GET /{i}\n"));
        assert_eq!(answer, format!("b{} GET /{i}\n", i % 3), "request {i}");
    }
    let served: Vec<_> = backends.iter().map(Backend::served).collect();
    assert_eq!(served, [10, 10, 10], "30 requests over 3 backends, in turn");
}

#[test]
fn concurrent_clients_are_spread_exactly() {
    let backends = [
        Backend::named("b0"),
        Backend::named("b1"),
        Backend::named("b2"),
    ];
    let (_proxy, server, _clock) = balancer(&[&backends[0], &backends[1], &backends[2]], 1);
    let addr = server.addr;
    let clients: Vec<_> = (0..8)
        .map(|c| {
            thread::spawn(move || {
                for i in 0..25 {
                    let line = format!("GET /{c}/{i}\n");
                    let answer = request(addr, &line);
                    assert!(answer.ends_with(&line), "{line:?} was answered {answer:?}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every request is answered");
    }
    let served: Vec<_> = backends.iter().map(Backend::served).collect();
    assert_eq!(
        served,
        [67, 67, 66],
        "200 requests from 8 clients at once: each pick takes the next backend in turn, so \
         the counts are exact"
    );
}

// ---------------------------------------------------------------------------------------------
// Failures

#[test]
fn a_killed_backend_is_taken_out_and_no_request_is_lost() {
    let mut backends = [
        Backend::named("b0"),
        Backend::named("b1"),
        Backend::named("b2"),
    ];
    let (proxy, server, _clock) = balancer(&[&backends[0], &backends[1], &backends[2]], 2);
    for i in 0..3 {
        request(server.addr, &format!("GET /{i}\n"));
    }
    backends[1].kill();
    for i in 0..30 {
        let answer = request(server.addr, &format!("GET /{i}\n"));
        assert!(
            answer.starts_with("b0 ") || answer.starts_with("b2 "),
            "request {i} after b1 died was answered {answer:?}: a refused connection means \
             nothing was sent, so retry the request on the next backend"
        );
    }
    assert_eq!(
        state(&proxy, 1),
        State::Ejected { until: COOL_DOWN },
        "two refused connections in a row eject b1: record each one as a failure"
    );
    assert_eq!(
        backends[1].served(),
        1,
        "b1 served its one request before it died"
    );
    assert_eq!(
        backends[0].served() + backends[2].served(),
        32,
        "the living backends served their 2 of the first 3 requests and all 30 after"
    );
}

#[test]
fn a_dead_backend_is_probed_after_the_cool_down_and_the_request_still_succeeds() {
    let mut backends = [Backend::named("b0"), Backend::named("b1")];
    let (proxy, server, clock) = balancer(&[&backends[0], &backends[1]], 1);
    backends[1].kill();
    request(server.addr, "GET /a\n");
    request(server.addr, "GET /b\n");
    assert_eq!(state(&proxy, 1), State::Ejected { until: COOL_DOWN });
    clock.advance(COOL_DOWN);
    for i in 0..4 {
        assert!(request(server.addr, &format!("GET /{i}\n")).starts_with("b0 "));
    }
    assert_eq!(
        state(&proxy, 1),
        State::Ejected {
            until: COOL_DOWN * 2
        },
        "after the cool-down one request probed b1, found it still refusing, and ejected it \
         again; that request was retried on b0"
    );
    assert_eq!(backends[0].served(), 6, "every request was served");
}

#[test]
fn with_every_backend_dead_the_client_gets_503() {
    let mut backends = [Backend::named("b0"), Backend::named("b1")];
    let (_proxy, server, _clock) = balancer(&[&backends[0], &backends[1]], 1);
    backends[0].kill();
    backends[1].kill();
    assert_eq!(
        request(server.addr, "GET /\n"),
        "503 no backend available\n",
        "no backend accepts: tell the client at once, with ProxyError::line"
    );
    assert_eq!(
        request(server.addr, "GET /\n"),
        "503 no backend available\n",
        "and again once both are ejected"
    );
}

#[test]
fn a_backend_that_takes_the_request_and_fails_gets_502_without_retry() {
    let broken = Backend::start(|_| None); // reads the request, closes without answering
    let good = Backend::named("b1");
    let (proxy, server, _clock) = balancer(&[&broken, &good], 1);
    assert_eq!(
        request(server.addr, "POST /payments\n"),
        "502 bad gateway\n",
        "the backend read the request and failed: 502"
    );
    assert_eq!(broken.served(), 1);
    assert_eq!(
        good.served(),
        0,
        "the request was not retried on b1: the broken backend may have acted on it (a \
         payment taken twice); only a refused connection is safe to retry"
    );
    assert_eq!(
        state(&proxy, 0),
        State::Ejected { until: COOL_DOWN },
        "the failed exchange counts as a failure for health checking"
    );
}

#[test]
fn a_slow_backend_does_not_hold_up_requests_to_the_others() {
    let (got, wait) = (mpsc::channel::<()>(), mpsc::channel::<()>());
    let (got_tx, got_rx): (Sender<()>, Receiver<()>) = got;
    let (release, gate) = wait;
    let gate = Mutex::new(gate);
    let slow = Backend::start(move |line| {
        got_tx.send(()).unwrap();
        let _ = gate.lock().unwrap().recv_timeout(Duration::from_secs(5));
        Some(format!("slow {line}"))
    });
    let fast = Backend::named("fast");
    let (_proxy, server, _clock) = balancer(&[&slow, &fast], 1);
    let addr = server.addr;
    let first = thread::spawn(move || request(addr, "GET /slow\n"));
    got_rx
        .recv_timeout(Duration::from_secs(2))
        .expect("the first request reaches the slow backend");
    assert_eq!(
        request(addr, "GET /fast\n"),
        "fast GET /fast\n",
        "while the slow backend works, another client is served by the other: hold the \
         balancer's lock only to pick and to record, never across the exchange"
    );
    release.send(()).unwrap();
    assert_eq!(first.join().unwrap(), "slow GET /slow\n");
}

// ---------------------------------------------------------------------------------------------
// Clients and shutdown

#[test]
fn a_client_that_sends_no_line_reaches_no_backend() {
    let b0 = Backend::named("b0");
    let (_proxy, server, _clock) = balancer(&[&b0], 1);
    let mut stream = testkit::tcp::connect(server.addr);
    stream.write_all(b"GET /no-newline").unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let (answer, _) = testkit::tcp::read_until_close(&mut stream);
    assert_eq!(
        String::from_utf8_lossy(&answer),
        "",
        "an incomplete request gets nothing"
    );
    assert_eq!(request(server.addr, "GET /\n"), "b0 GET /\n");
    assert_eq!(
        b0.served(),
        1,
        "only the complete request reached the backend"
    );
}

#[test]
fn nothing_is_left_listening_after_shutdown() {
    let mut b0 = Backend::named("b0");
    let (_proxy, server, _clock) = balancer(&[&b0], 1);
    let addr = server.addr;
    assert_eq!(request(addr, "GET /\n"), "b0 GET /\n");
    // The balancer binds its own port: once it closes, another process may be given it, so
    // the check is that the balancer's listening socket is gone, not that connecting fails.
    let listener = OwnListener::find(addr);
    server.shutdown();
    b0.kill();
    assert!(
        listener.is_closed(),
        "the balancer's port should be closed after shutdown"
    );
    assert!(TcpStream::connect(b0.addr).is_err(), "and the backend's");
}
