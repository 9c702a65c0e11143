//! The accept loop (one thread per connection, a shutdown that leaves nothing running) and the
//! connection loop that reads frames and runs them through your `Session`.

use crate::frames::{Frame, Opcode, Sender, encode, parse};
use crate::handshake::respond;
use crate::http::{Request, read_head};
use crate::{MAX_MESSAGE, Session, Step, close_code};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// The live connections: a handle on each socket (to close it at shutdown) and its thread.
type Connections = Arc<Mutex<Vec<(TcpStream, JoinHandle<()>)>>>;

/// A running WebSocket echo server.
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

/// One connection: the handshake, then frames until a close.
fn serve(mut stream: TcpStream) -> io::Result<()> {
    let Some(request) = read_head(&mut stream)?.and_then(|head| Request::parse(&head)) else {
        return Ok(());
    };
    let answer = respond(&request);
    stream.write_all(&answer)?;
    if !answer.starts_with(b"HTTP/1.1 101 ") {
        return Ok(());
    }
    let mut session = Session::new(MAX_MESSAGE);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // Every whole frame received so far, in order; a partial one waits for more bytes.
        loop {
            match parse(&buf, Sender::Client, MAX_MESSAGE as u64) {
                Ok(Some((frame, used))) => {
                    buf.drain(..used);
                    match session.on_frame(frame) {
                        Step::Nothing => {}
                        Step::Send(reply) => {
                            let mut out = Vec::new();
                            encode(&reply, &mut out);
                            stream.write_all(&out)?;
                        }
                        Step::Close(code) => return close(stream, code),
                    }
                }
                Ok(None) => break,
                // Nothing after a broken frame can be trusted: fail the connection (§7.1.7).
                Err(err) => return close(stream, close_code(err)),
            }
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(()); // the client went away without a close frame
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Sends a close frame with `code`, then ends the connection the way RFC 6455 §7.1.1 asks: the
/// server closes its side first, and waits for the client to close its own. Reading to the end
/// (and dropping what comes) means no unread bytes are left to make the kernel reset the
/// connection, which could destroy the close frame before the client reads it.
fn close(mut stream: TcpStream, code: u16) -> io::Result<()> {
    let frame = Frame {
        fin: true,
        opcode: Opcode::Close,
        mask: None,
        payload: code.to_be_bytes().to_vec(),
    };
    let mut out = Vec::new();
    encode(&frame, &mut out);
    stream.write_all(&out)?;
    stream.shutdown(Shutdown::Write)?;
    let mut sink = [0u8; 4096];
    while stream.read(&mut sink)? > 0 {}
    Ok(())
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
