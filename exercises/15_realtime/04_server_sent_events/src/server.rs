//! An event-stream server: each GET gets the stream's head, the events it missed (from the
//! `Last-Event-ID` it sends), and then every event published while it stays connected.

use crate::http::{Request, read_head};
use crate::{Event, History, comment, encode};
use std::io::{self, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// The response head of an event stream. No length: the body ends when the connection does.
/// `no-cache`, so no proxy or browser cache answers the next request with an old stream.
pub const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
    Cache-Control: no-cache\r\nConnection: close\r\n\r\n";

/// The history and the connected clients, under one lock: a client that joins gets its
/// replay and is added in one step, so no event published meanwhile is lost or sent twice.
struct Shared {
    history: History,
    clients: Vec<TcpStream>,
}

/// A running event-stream server.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    shared: Arc<Mutex<Shared>>,
    accept_thread: JoinHandle<()>,
}

impl Server {
    /// Binds `127.0.0.1:0` and serves, keeping the last `capacity` events for clients that
    /// reconnect. Returns at once.
    pub fn start(capacity: usize) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let history = History::new(capacity);
        let shared = Arc::new(Mutex::new(Shared {
            history,
            clients: Vec::new(),
        }));
        let accept_thread = thread::spawn({
            let (stop, shared) = (stop.clone(), shared.clone());
            move || {
                let mut joining: Vec<JoinHandle<()>> = Vec::new();
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let shared = shared.clone();
                    // A thread per joining client: one slow to send its head delays no other.
                    joining.retain(|t| !t.is_finished());
                    joining.push(thread::spawn(move || drop(join(stream, &shared))));
                }
                for thread in joining {
                    let _ = thread.join();
                }
            }
        });
        Ok(Server {
            addr,
            stop,
            shared,
            accept_thread,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Records an event in the history and sends it to every connected client; a client whose
    /// connection fails is dropped. Returns the event with its id.
    pub fn publish(&self, event: Option<&str>, data: &str) -> Event {
        let mut shared = self.shared.lock().unwrap();
        let event = shared
            .history
            .push(event.map(str::to_string), data.to_string());
        send_all(&mut shared.clients, encode(&event).as_bytes());
        event
    }

    /// Sends a comment to every client. A timer calls this every 15 s or so in production, so
    /// that proxies do not close a quiet connection and dead clients are noticed; the tests
    /// call it themselves.
    pub fn keep_alive(&self) {
        send_all(
            &mut self.shared.lock().unwrap().clients,
            comment("keep-alive").as_bytes(),
        );
    }

    /// Stops accepting, closes every client's connection, and waits for the threads.
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wakes accept()
        let _ = self.accept_thread.join();
        for client in self.shared.lock().unwrap().clients.drain(..) {
            let _ = client.shutdown(Shutdown::Both);
        }
    }
}

/// A new client: its request, the head, the replay, and its place in the list.
fn join(mut stream: TcpStream, shared: &Mutex<Shared>) -> io::Result<()> {
    let Some(request) = read_head(&mut stream)?.and_then(|h| Request::parse(&h)) else {
        return stream.shutdown(Shutdown::Both);
    };
    let mut shared = shared.lock().unwrap();
    let mut out = HEAD.to_string();
    if let Some(last) = request.header("Last-Event-ID") {
        for event in shared.history.after(last) {
            out += &encode(&event);
        }
    }
    stream.write_all(out.as_bytes())?;
    shared.clients.push(stream);
    Ok(())
}

/// Writes `bytes` to each client, dropping (and closing) those that fail.
fn send_all(clients: &mut Vec<TcpStream>, bytes: &[u8]) {
    clients.retain_mut(|client| {
        let ok = client.write_all(bytes).is_ok();
        if !ok {
            let _ = client.shutdown(Shutdown::Both);
        }
        ok
    });
}
