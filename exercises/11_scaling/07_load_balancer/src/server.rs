//! The TCP plumbing, given: the listening loop of the balancer (a thread per client, so a slow
//! client holds up nobody else), its shutdown, and one request-response exchange with a
//! backend. Every socket has time limits, so a silent peer costs seconds, not a thread forever.

use crate::Proxy;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long the balancer waits for a client or a backend to connect, send or answer.
pub const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest request or response line accepted, newline included.
pub const MAX_LINE: u64 = 8 * 1024;

/// A running balancer: its address, and the means to stop it.
pub struct Server {
    /// Where it listens (127.0.0.1, a port the system chose).
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

/// Listens on 127.0.0.1:0 and serves each client on a thread of its own with `proxy`.
pub fn start(proxy: Arc<Proxy>) -> io::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::clone(&stop);
    let accept = thread::spawn(move || {
        for client in listener.incoming() {
            if stopping.load(Ordering::SeqCst) {
                break; // the listener is dropped here: the port closes
            }
            let Ok(client) = client else { continue };
            let proxy = Arc::clone(&proxy);
            thread::spawn(move || {
                let _ = client.set_read_timeout(Some(IO_TIMEOUT));
                let _ = client.set_write_timeout(Some(IO_TIMEOUT));
                let _ = proxy.serve_client(client);
            });
        }
    });
    Ok(Server {
        addr,
        stop,
        accept: Some(accept),
    })
}

impl Server {
    /// Stops accepting and closes the listening socket; returns once it is closed.
    pub fn shutdown(mut self) {
        self.stop_accepting();
    }

    fn stop_accepting(&mut self) {
        if let Some(accept) = self.accept.take() {
            self.stop.store(true, Ordering::SeqCst);
            // `accept` blocks until a connection comes: make one so it sees the flag.
            let _ = TcpStream::connect_timeout(&self.addr, IO_TIMEOUT);
            let _ = accept.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_accepting();
    }
}

/// Sends `request` (one line, `\n` included) on a connection to a backend and reads its
/// one-line answer. An error means the backend failed this request.
pub fn exchange(backend: TcpStream, request: &str) -> io::Result<String> {
    backend.set_read_timeout(Some(IO_TIMEOUT))?;
    backend.set_write_timeout(Some(IO_TIMEOUT))?;
    (&backend).write_all(request.as_bytes())?;
    read_line(&backend)
}

/// Reads one line of at most [`MAX_LINE`] bytes, `\n` included; an error if the peer closes
/// or the line is longer. The buffer may read past the line: fine for one exchange per
/// connection, as here.
pub fn read_line(stream: &TcpStream) -> io::Result<String> {
    let mut line = String::new();
    BufReader::new(stream.take(MAX_LINE)).read_line(&mut line)?;
    if !line.ends_with('\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "no complete line: closed early or longer than MAX_LINE",
        ));
    }
    Ok(line)
}
