//! Whether a listening socket of this process has closed. When the learner's code binds the
//! port the test cannot reserve it (see [`super::ReservedPort`]), and a connection is no proof
//! either way: once the learner's listener closes, another test process may be given the free
//! port and accept. So a test notes which socket listens while the server runs and later asks
//! whether that very socket still listens.
//!
//! On Linux a socket is named by its inode: `/proc/self/net/tcp` and `tcp6` list every
//! listening socket with its local address and inode, and the links in `/proc/self/fd` name the
//! sockets this process holds (`socket:[inode]`): the listener has closed once no descriptor
//! of this process names its inode. Elsewhere the check is the plain one: a listener
//! has closed when connecting to its address is refused (which another process taking the
//! port can defeat).

use std::net::SocketAddr;

/// A listening socket of this process, found by its address while it listens.
pub struct OwnListener {
    addr: SocketAddr,
    #[cfg(target_os = "linux")]
    inode: u64,
}

impl OwnListener {
    /// The socket of this process listening on `addr` (or on the wildcard address and
    /// `addr`'s port). Panics if there is none: call it while the server listens.
    pub fn find(addr: SocketAddr) -> OwnListener {
        imp::find(addr)
    }

    /// The address it was found by.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether it no longer listens: closed, whatever listens on its port now.
    pub fn is_closed(&self) -> bool {
        imp::is_closed(self)
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use super::OwnListener;
    use std::fs;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

    /// `st` of a listening socket in /proc/net/tcp: TCP_LISTEN.
    const LISTEN: &str = "0A";

    pub fn find(addr: SocketAddr) -> OwnListener {
        let own = own_socket_inodes();
        let found = listening_sockets()
            .into_iter()
            .find(|(local, inode)| serves(*local, addr) && own.contains(inode));
        match found {
            Some((_, inode)) => OwnListener { addr, inode },
            None => panic!(
                "no socket of this process listens on {addr}: the server should be listening \
                 there by now"
            ),
        }
    }

    /// A socket closes with the last descriptor that refers to it, and only this process held
    /// one. Listing them is cheap; the TCP tables may hold tens of thousands of lines on a busy
    /// machine (connections in TIME_WAIT), too many to read in a polling loop.
    pub fn is_closed(listener: &OwnListener) -> bool {
        !own_socket_inodes().contains(&listener.inode)
    }

    /// Whether a socket listening on `local` takes connections to `addr`.
    fn serves(local: SocketAddr, addr: SocketAddr) -> bool {
        let ip = match local.ip() {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        local.port() == addr.port() && (ip == addr.ip() || ip.is_unspecified())
    }

    /// The inodes of the sockets this process holds open.
    fn own_socket_inodes() -> Vec<u64> {
        let fds = fs::read_dir("/proc/self/fd")
            .unwrap_or_else(|e| panic!("could not list /proc/self/fd: {e}"));
        fds.filter_map(|fd| fs::read_link(fd.ok()?.path()).ok())
            .filter_map(|target| {
                let target = target.to_str()?;
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .parse()
                    .ok()
            })
            .collect()
    }

    /// Every listening TCP socket of this network namespace: its local address and inode.
    fn listening_sockets() -> Vec<(SocketAddr, u64)> {
        let mut sockets = Vec::new();
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            // A kernel without IPv6 has no tcp6 table: no IPv6 listener either.
            let Ok(text) = fs::read_to_string(table) else {
                assert!(table.ends_with('6'), "could not read {table}");
                continue;
            };
            sockets.extend(text.lines().skip(1).filter_map(parse_listening));
        }
        sockets
    }

    /// A line of /proc/net/tcp{,6}: `sl local rem st ... uid timeout inode ...`, addresses as
    /// `HEX_IP:HEX_PORT`, the IP as the kernel's 32-bit words printed in native byte order.
    fn parse_listening(line: &str) -> Option<(SocketAddr, u64)> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(3) != Some(&LISTEN) {
            return None;
        }
        let (ip, port) = fields.get(1)?.split_once(':')?;
        let mut bytes = Vec::with_capacity(16);
        for word in ip.as_bytes().chunks(8) {
            let word = u32::from_str_radix(std::str::from_utf8(word).ok()?, 16).ok()?;
            bytes.extend_from_slice(&word.to_ne_bytes());
        }
        let ip = match bytes.len() {
            4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
            16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
            _ => return None,
        };
        let port = u16::from_str_radix(port, 16).ok()?;
        let inode = fields.get(9)?.parse().ok()?;
        Some((SocketAddr::new(ip, port), inode))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_a_listening_line_of_the_ipv4_table() {
            let ip = u32::from_ne_bytes([127, 0, 0, 1]);
            let line = format!(
                "   0: {ip:08X}:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  \
                 1000        0 4242 1 0000000000000000 100 0 0 10 0"
            );
            assert_eq!(
                parse_listening(&line),
                Some(("127.0.0.1:8080".parse().unwrap(), 4242))
            );
            let established = line.replace(" 0A ", " 01 ");
            assert_eq!(parse_listening(&established), None);
        }

        #[test]
        fn a_wildcard_listener_serves_every_address_of_its_port() {
            let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
            assert!(serves("0.0.0.0:8080".parse().unwrap(), addr));
            assert!(serves("[::]:8080".parse().unwrap(), addr));
            assert!(serves("[::ffff:127.0.0.1]:8080".parse().unwrap(), addr));
            assert!(!serves("127.0.0.2:8080".parse().unwrap(), addr));
            assert!(!serves("127.0.0.1:8081".parse().unwrap(), addr));
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::OwnListener;
    use std::io::ErrorKind;
    use std::net::{SocketAddr, TcpStream};

    pub fn find(addr: SocketAddr) -> OwnListener {
        OwnListener { addr }
    }

    pub fn is_closed(listener: &OwnListener) -> bool {
        TcpStream::connect_timeout(&listener.addr, crate::tcp::TIMEOUT)
            .is_err_and(|e| e.kind() == ErrorKind::ConnectionRefused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_listener_is_open_until_it_is_dropped() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let own = OwnListener::find(listener.local_addr().unwrap());
        assert!(!own.is_closed());
        drop(listener);
        assert!(own.is_closed());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_closed_listener_is_closed_even_when_another_socket_listens_on_its_port() {
        let port = crate::tcp::ReservedPort::new();
        let first = port.listen();
        let own = OwnListener::find(port.addr());
        drop(first);
        let _second = port.listen(); // what another process taking the port would be
        crate::tcp::connect(port.addr());
        assert!(own.is_closed(), "the first listener closed");
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[should_panic(expected = "no socket of this process listens on")]
    fn nothing_listening_is_not_found() {
        let port = crate::tcp::closed_port();
        OwnListener::find(port.addr());
    }
}
