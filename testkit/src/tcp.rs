//! A test's side of a TCP connection to the learner's server: every connect, read and write
//! has a time limit, so a server that never answers fails the test in seconds instead of
//! hanging it. And the server side a test starts itself: [`ReservedPort`], a port that stays
//! taken (and refuses connections) after the test's listener on it closes; and, for a port the
//! learner's code bound, [`OwnListener`], to tell whether that listener has closed.

mod own_listener;
mod reserved;

pub use own_listener::OwnListener;
pub use reserved::{ReservedPort, closed_port};

use std::io::{self, ErrorKind, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long a test waits for the server: to connect, to read, to write.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// A connection to `addr` with [`TIMEOUT`] on connecting, reading and writing. Small writes
/// are sent at once (no Nagle delay), so a test can split a request into pieces.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .unwrap_or_else(|e| panic!("could not connect to the server at {addr}: {e}"));
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

/// Whether a read or write error is its socket's time limit running out (the kind differs by
/// platform).
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Reads until the peer closes the connection: everything received, and how it ended. A reset
/// counts as a close: a server that closes with unread request bytes makes the kernel send RST
/// instead of FIN. The error is the read's (a timeout: see [`is_timeout`]).
pub fn read_until_close(stream: &mut impl Read) -> (Vec<u8>, io::Result<()>) {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (received, Ok(())),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return (received, Ok(())),
            Err(e) => return (received, Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    #[test]
    fn reads_everything_up_to_the_close() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = connect(listener.local_addr().unwrap());
        let (mut server, _) = listener.accept().unwrap();
        server.write_all(b"one ").unwrap();
        server.write_all(b"two").unwrap();
        drop(server);
        let (got, end) = read_until_close(&mut client);
        assert_eq!(got, b"one two");
        assert!(end.is_ok(), "{end:?}");
    }

    #[test]
    fn a_silent_peer_is_a_timeout_with_what_came_before() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = connect(listener.local_addr().unwrap());
        client
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let (mut server, _) = listener.accept().unwrap();
        server.write_all(b"partial").unwrap();
        let (got, end) = read_until_close(&mut client);
        assert_eq!(got, b"partial");
        assert!(end.as_ref().is_err_and(is_timeout), "{end:?}");
    }
}
