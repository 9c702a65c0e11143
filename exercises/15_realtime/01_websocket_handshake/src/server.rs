//! The accept loop: one thread per connection, each reading one request head and answering it
//! with your `respond`, and a shutdown that leaves nothing running.

use crate::http::{Request, read_head};
use crate::respond;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// The live connections: a handle on each socket (to close it at shutdown) and its thread.
type Connections = Arc<Mutex<Vec<(TcpStream, JoinHandle<()>)>>>;

/// A running server.
pub struct Server {
    addr: SocketAddr,
    /// Set by `shutdown`; the accept loop checks it after each `accept()`.
    stop: Arc<AtomicBool>,
    accept_thread: JoinHandle<()>,
    connections: Connections,
}

impl Server {
    /// Binds `127.0.0.1:0` (the OS picks a free port) and serves on a thread of its own, one
    /// more thread per client. Returns at once.
    pub fn start() -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Connections::default();
        let accept_thread = thread::spawn({
            let (stop, connections) = (stop.clone(), connections.clone());
            move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break; // woken by shutdown: dropping the listener closes it
                    }
                    let Ok(stream) = stream else { continue };
                    let (Ok(handle), Ok(closer)) = (stream.try_clone(), stream.try_clone()) else {
                        continue;
                    };
                    let thread = thread::spawn(move || {
                        let _close = CloseOnDrop(closer);
                        // The client is gone either way: an error here is nobody's to see.
                        let _ = serve(stream);
                    });
                    let mut live = connections.lock().unwrap();
                    live.retain(|(_, thread)| !thread.is_finished());
                    live.push((handle, thread));
                }
            }
        });
        Ok(Server {
            addr,
            stop,
            accept_thread,
            connections,
        })
    }

    /// The address the server listens on (with the port the OS picked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every connection, and waits for every thread to end.
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        // accept() blocks: one connection of our own wakes it to see the flag.
        let _ = TcpStream::connect(self.addr);
        let _ = self.accept_thread.join();
        let live = std::mem::take(&mut *self.connections.lock().unwrap());
        for (stream, thread) in live {
            let _ = stream.shutdown(Shutdown::Both);
            let _ = thread.join();
        }
    }
}

/// One connection: the request head, your answer, and then either the close (any refusal) or
/// a WebSocket connection. Frames come in the next exercise; this one waits for the client to
/// close, discarding what it sends.
fn serve(mut stream: TcpStream) -> io::Result<()> {
    let answer = match read_head(&mut stream)? {
        Some(head) => match Request::parse(&head) {
            Some(request) => respond(&request),
            None => b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec(),
        },
        None => return Ok(()), // closed before a whole head, or a head too long
    };
    stream.write_all(&answer)?;
    if answer.starts_with(b"HTTP/1.1 101 ") {
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink)? > 0 {}
    }
    stream.shutdown(Shutdown::Both)
}

/// Closes the socket when dropped, even when the connection's code panicked or returned early:
/// `Server` keeps a handle on every socket, so dropping the `TcpStream` alone would leave the
/// client waiting.
struct CloseOnDrop(TcpStream);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let _ = self.0.shutdown(Shutdown::Both);
    }
}
