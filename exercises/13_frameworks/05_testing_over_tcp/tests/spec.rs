//! The specification of step 5: the harness starts the app on a free localhost port, returns
//! once it listens, gives a client that reports every status, lets requests in flight finish
//! when it stops, and leaves nothing listening after `stop` or a drop.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use testing_over_tcp::demo::{self, Gate};
use testing_over_tcp::{TIMEOUT, TestServer};
use testkit::tcp::{self, OwnListener};

fn start() -> (TestServer, Gate, std::sync::mpsc::Receiver<()>) {
    let (gate, entered) = Gate::new();
    let server = TestServer::start(demo::app(gate.clone())).expect("the server starts");
    (server, gate, entered)
}

/// The server's listening socket, found while it listens. Whether it has closed is asked of
/// that socket, not of its port: once it closes, another test (of this process or another)
/// may be given the port and accept, and connecting would prove nothing.
fn listener(server: &TestServer) -> OwnListener {
    OwnListener::find(server.addr())
}

#[track_caller]
fn assert_closed(listener: &OwnListener, after: &str) {
    assert!(
        listener.is_closed(),
        "after {after}, {} still accepts connections: the server (or its listener) \
         outlived the test. Signal the shutdown and join the server's thread",
        listener.addr()
    );
}

fn get(server: &TestServer, path: &str) -> (u16, String) {
    let mut res = server
        .client()
        .get(server.url(path))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: no response ({e})"));
    (
        res.status().as_u16(),
        res.body_mut().read_to_string().unwrap(),
    )
}

// ---------------------------------------------------------------------------------------------
// Start

#[test]
fn the_server_listens_on_a_free_port_of_localhost() {
    let (server, _gate, _entered) = start();
    let addr = server.addr();
    assert_eq!(
        addr.ip().to_string(),
        "127.0.0.1",
        "bind 127.0.0.1, not 0.0.0.0: a test server is not for the network"
    );
    assert_ne!(
        addr.port(),
        0,
        "addr() is the port the kernel chose (local_addr), not 0"
    );
}

#[test]
fn the_url_is_the_address_and_the_path() {
    let (server, _gate, _entered) = start();
    assert_eq!(
        server.url("/hello?x=1"),
        format!("http://127.0.0.1:{}/hello?x=1", server.addr().port())
    );
}

#[test]
fn the_server_answers_as_soon_as_start_returns() {
    let (server, _gate, _entered) = start();
    let mut stream = TcpStream::connect(server.addr()).unwrap_or_else(|e| {
        panic!(
            "start returned but {} refuses: {e}; return only after bind",
            server.addr()
        )
    });
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let (bytes, end) = tcp::read_until_close(&mut stream);
    end.unwrap();
    let got = String::from_utf8_lossy(&bytes);
    assert!(got.starts_with("HTTP/1.1 200 OK\r\n"), "got:\n{got}");
    assert!(got.ends_with("\r\n\r\nhello"), "got:\n{got}");
}

#[test]
fn two_servers_get_two_ports() {
    let (a, _ga, _ea) = start();
    let (b, _gb, _eb) = start();
    assert_ne!(
        a.addr(),
        b.addr(),
        "each server binds port 0 and gets its own port: tests run in parallel"
    );
    assert_eq!(get(&a, "/hello"), (200, "hello".to_string()));
    assert_eq!(get(&b, "/hello"), (200, "hello".to_string()));
}

// ---------------------------------------------------------------------------------------------
// The client

#[test]
fn the_client_reaches_the_app() {
    let (server, _gate, _entered) = start();
    assert_eq!(get(&server, "/hello"), (200, "hello".to_string()));
}

#[test]
fn the_client_returns_a_404_as_a_response() {
    let (server, _gate, _entered) = start();
    let result = server.client().get(server.url("/missing")).call();
    match result {
        Ok(res) => assert_eq!(res.status().as_u16(), 404),
        Err(e) => panic!(
            "GET /missing was an error ({e}), not a 404 response: a test asserts on statuses, \
             so http_status_as_error(false)"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Stop

#[test]
fn after_stop_nothing_listens() {
    let (server, _gate, _entered) = start();
    let listener = listener(&server);
    get(&server, "/hello");
    server.stop().expect("a clean stop");
    assert_closed(&listener, "stop()");
}

#[test]
fn after_a_drop_nothing_listens() {
    let (server, _gate, _entered) = start();
    let listener = listener(&server);
    get(&server, "/hello");
    drop(server);
    assert_closed(&listener, "dropping the TestServer");
}

#[test]
fn a_server_never_called_stops_too() {
    let (server, _gate, _entered) = start();
    let listener = listener(&server);
    server.stop().expect("a clean stop");
    assert_closed(&listener, "stop() of a server that served nothing");
}

#[test]
fn a_request_in_flight_completes_during_a_graceful_stop() {
    let (server, gate, entered) = start();
    let listener = listener(&server);
    let agent = server.client();
    let url = server.url("/slow");
    let in_flight = std::thread::spawn(move || agent.get(&url).call());
    entered
        .recv_timeout(TIMEOUT)
        .expect("the /slow request reaches its handler");
    let stopping = std::thread::spawn(move || server.stop());
    // A graceful shutdown closes the listener first; wait until it has (observed, bounded).
    let deadline = Instant::now() + TIMEOUT;
    while !listener.is_closed() {
        assert!(
            Instant::now() < deadline,
            "stop() was called but {} still accepts new connections: a shutting-down \
             server stops accepting at once",
            listener.addr()
        );
        std::thread::yield_now();
    }
    assert!(
        !stopping.is_finished(),
        "stop() returned while a request was still in flight: it must wait for it"
    );
    gate.open();
    let res = in_flight.join().unwrap().unwrap_or_else(|e| {
        panic!(
            "the request in flight was cut off ({e}): a graceful stop lets it finish \
             (axum::serve(..).with_graceful_shutdown)"
        )
    });
    assert_eq!(res.status().as_u16(), 200);
    stopping
        .join()
        .unwrap()
        .expect("stop() returns Ok once the last request is done");
    assert_closed(&listener, "the graceful stop");
}

#[test]
fn starting_and_stopping_many_servers_leaves_no_port_open() {
    let mut listeners = Vec::new();
    for _ in 0..10 {
        let (server, _gate, _entered) = start();
        listeners.push(listener(&server));
        get(&server, "/hello");
    }
    for listener in &listeners {
        assert_closed(listener, "each of ten servers went out of scope");
    }
}

#[test]
fn stop_reports_a_clean_shutdown_quickly() {
    let (server, _gate, _entered) = start();
    let begun = Instant::now();
    server
        .stop()
        .expect("Ok(()) for a server that shut down cleanly");
    assert!(
        begun.elapsed() < Duration::from_secs(1),
        "stopping an idle server is immediate; it took {:?}",
        begun.elapsed()
    );
}
