//! Ports that stay taken after their listener closes. A test that "kills" a server closes its
//! listener and expects connections to the port to be refused; but a closed port is free, and
//! another test process binding `127.0.0.1:0` at that moment can be given it and answer. A
//! [`ReservedPort`] keeps a second socket bound to the port that never listens: connections
//! are refused as soon as no listener is left, and the port is not free again until the
//! `ReservedPort` drops.
//!
//! How, on Unix: both sockets set `SO_REUSEPORT`, which lets them share the port. A socket
//! without it cannot bind a port another socket holds, and a bind to port 0 never picks one, so
//! neither std's listeners nor anyone's `bind("127.0.0.1:0")` can take it. The reservation
//! does not set `SO_REUSEADDR`: on Linux two sockets that both set it may share a port that
//! neither listens on, and std's listeners set it. Only a listening socket takes connections,
//! so the reservation alone answers a connect with a refusal.
//!
//! Elsewhere (Windows, and the few Unix systems without `SO_REUSEPORT`) nothing is reserved:
//! the port is the free port a released bind leaves, as tests had before, and another process
//! may take it once its listener closes.

use std::net::{SocketAddr, TcpListener};

/// A port of 127.0.0.1 that no other socket can take while this value lives: listen on it with
/// [`ReservedPort::listen`], close the listener to make connections to it refused.
pub struct ReservedPort {
    addr: SocketAddr,
    /// The bound, never listening socket that holds the port.
    #[cfg(reserves)]
    _holder: socket2::Socket,
}

/// A reserved port nothing listens on: connecting to it is refused for as long as the value
/// lives.
pub fn closed_port() -> ReservedPort {
    ReservedPort::new()
}

impl ReservedPort {
    /// A free port of 127.0.0.1, reserved.
    pub fn new() -> ReservedPort {
        imp::reserve().unwrap_or_else(|e| panic!("could not reserve a port of 127.0.0.1: {e}"))
    }

    /// The address: 127.0.0.1 and the reserved port.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A listener on the port. Drop it and connections are refused again; the port stays
    /// reserved, so another listener can be made later.
    pub fn listen(&self) -> TcpListener {
        imp::listen(self.addr)
            .unwrap_or_else(|e| panic!("could not listen on the reserved port {}: {e}", self.addr))
    }
}

impl Default for ReservedPort {
    fn default() -> Self {
        ReservedPort::new()
    }
}

#[cfg(reserves)]
mod imp {
    use super::ReservedPort;
    use socket2::{Domain, Protocol, Socket, Type};
    use std::io;
    use std::net::{Ipv4Addr, SocketAddr, TcpListener};

    /// A TCP socket that shares its port with the other `SO_REUSEPORT` sockets of this user.
    fn sharing_socket() -> io::Result<Socket> {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
        socket.set_reuse_port(true)?;
        Ok(socket)
    }

    pub fn reserve() -> io::Result<ReservedPort> {
        let holder = sharing_socket()?;
        holder.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
        let addr = holder
            .local_addr()?
            .as_socket()
            .expect("an IPv4 socket's address");
        Ok(ReservedPort {
            addr,
            _holder: holder,
        })
    }

    pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
        let socket = sharing_socket()?;
        socket.bind(&addr.into())?;
        socket.listen(128)?;
        Ok(socket.into())
    }
}

#[cfg(not(reserves))]
mod imp {
    use super::ReservedPort;
    use std::io;
    use std::net::{SocketAddr, TcpListener};

    pub fn reserve() -> io::Result<ReservedPort> {
        let addr = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        Ok(ReservedPort { addr })
    }

    pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind(addr)
    }
}

#[cfg(all(test, reserves))]
mod tests {
    use super::*;
    use std::io::{ErrorKind, Read, Write};
    use std::net::TcpStream;

    fn connect(addr: SocketAddr) -> std::io::Result<TcpStream> {
        TcpStream::connect_timeout(&addr, crate::tcp::TIMEOUT)
    }

    #[test]
    fn a_listener_on_a_reserved_port_takes_connections() {
        let port = ReservedPort::new();
        let listener = port.listen();
        assert_eq!(listener.local_addr().unwrap(), port.addr());
        let mut client = connect(port.addr()).expect("the listener accepts");
        let (mut server, _) = listener.accept().unwrap();
        server.write_all(b"hi").unwrap();
        drop(server);
        let mut got = String::new();
        client.read_to_string(&mut got).unwrap();
        assert_eq!(got, "hi");
    }

    #[test]
    fn once_its_listener_closes_the_port_refuses_and_stays_taken() {
        let port = ReservedPort::new();
        let listener = port.listen();
        connect(port.addr()).expect("the listener accepts");
        drop(listener);
        let refused = connect(port.addr());
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.kind() == ErrorKind::ConnectionRefused),
            "nothing listens: {refused:?}"
        );
        let taken = TcpListener::bind(port.addr());
        assert!(
            taken
                .as_ref()
                .is_err_and(|e| e.kind() == ErrorKind::AddrInUse),
            "another listener must not get the port while it is reserved: {taken:?}"
        );
    }

    #[test]
    fn a_closed_port_refuses_and_cannot_be_taken() {
        let port = closed_port();
        let refused = connect(port.addr());
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.kind() == ErrorKind::ConnectionRefused),
            "{refused:?}"
        );
        let taken = TcpListener::bind(port.addr());
        assert!(
            taken
                .as_ref()
                .is_err_and(|e| e.kind() == ErrorKind::AddrInUse),
            "{taken:?}"
        );
    }

    #[test]
    fn a_killed_listener_can_be_started_again_on_its_port() {
        let port = ReservedPort::new();
        drop(port.listen());
        let again = port.listen();
        connect(port.addr()).expect("the new listener accepts");
        drop(again);
    }
}
