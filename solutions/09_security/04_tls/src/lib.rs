//! # Encryption in transit: TLS with rustls
//!
//! Anything sent over plain TCP can be read and changed by every machine on the path: the
//! café's Wi-Fi, a compromised router, a sidecar, a cloud neighbour. TLS gives a connection
//! three things: **confidentiality** (encrypted), **integrity** (a changed byte breaks it) and
//! **authentication** (the server proves it holds the private key of a certificate for the
//! name you asked for). The third is the one people switch off, and without it the first two
//! protect you from everyone but the attacker in the middle, who simply presents their own
//! certificate.
//!
//! A client verifies two things, and rustls does both once it is configured:
//! - **the chain**: the server's certificate is signed by a certificate authority the client
//!   trusts, every certificate in the chain is within its validity dates, and is allowed to be
//!   used for a TLS server;
//! - **the name**: the certificate is for the host the client meant to reach (its Subject
//!   Alternative Names, RFC 6125), so a valid certificate for `evil.example` does not pass for
//!   `bank.example`.
//!
//! Your tasks:
//! 1. [`server_config`]: a rustls `ServerConfig` that serves a certificate chain and its key,
//!    TLS 1.3 only, with the **ring** crypto provider (the course builds rustls with ring:
//!    `rustls::crypto::ring::default_provider()`, passed to `builder_with_provider`).
//! 2. [`client_config`]: a `ClientConfig` that trusts exactly the CA given (a `RootCertStore`
//!    holding it alone, not the system's roots), same provider and version.
//! 3. [`fetch`]: connect to `addr` (with `timeout` on connect, read and write), start TLS for
//!    the name `host` (`ServerName::try_from`; a string that is no host name or IP address is
//!    [`TlsError::BadName`]), send `request`, and read the response until the server closes.
//!    `rustls::StreamOwned` turns a connection and a socket into one `Read + Write`.
//!
//! There is deliberately no "accept invalid certificates" switch: such a flag is added for a
//! test, copied into production, and never removed. Tests make their own CA instead (with
//! rcgen), as a development setup should (`mkcert` does the same on a laptop).
//!
//! Errors: `?` turns an `io::Error` or a `rustls::Error` into a [`TlsError`] (given); a
//! refused certificate surfaces from the stream as an `io::Error` that carries the
//! `rustls::Error`, and the conversion takes it out, so the tests can see *why*.
//!
//! Primary sources: RFC 8446 (TLS 1.3), RFC 5280 §6 (path validation), RFC 6125 (checking the
//! name); OWASP Transport Layer Security Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html>;
//! rustls's documentation, <https://docs.rs/rustls/0.23>.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::StreamOwned;
use rustls::crypto::ring::default_provider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::version::TLS13;
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};

/// A server configuration presenting `chain` (the server's certificate first) with `key`.
pub fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_protocol_versions(&[&TLS13])?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    Ok(Arc::new(config))
}

/// A client configuration that trusts the certificate authority `ca` and nothing else.
pub fn client_config(ca: CertificateDer<'static>) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    roots.add(ca)?;
    let config = ClientConfig::builder_with_provider(Arc::new(default_provider()))
        .with_protocol_versions(&[&TLS13])?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Sends `request` to `host` at `addr` over TLS and returns the whole response.
pub fn fetch(
    config: Arc<ClientConfig>,
    addr: SocketAddr,
    host: &str,
    request: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, TlsError> {
    let name =
        ServerName::try_from(host.to_owned()).map_err(|_| TlsError::BadName(host.to_owned()))?;
    let socket = TcpStream::connect_timeout(&addr, timeout)?;
    socket.set_read_timeout(Some(timeout))?;
    socket.set_write_timeout(Some(timeout))?;
    let mut tls = StreamOwned::new(ClientConnection::new(config, name)?, socket);
    // The first write runs the handshake: the certificate is checked before a byte is sent.
    tls.write_all(request)?;
    let mut response = Vec::new();
    tls.read_to_end(&mut response)?;
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Given: the error type, and a one-connection HTTPS server.
// ---------------------------------------------------------------------------------------------

/// Why a TLS exchange failed.
#[derive(Debug)]
pub enum TlsError {
    /// The host is neither a DNS name nor an IP address.
    BadName(String),
    /// TLS refused: a certificate that does not verify, a bad configuration, a broken record.
    Tls(rustls::Error),
    /// The network: refused, reset, timed out.
    Io(io::Error),
}

impl From<rustls::Error> for TlsError {
    fn from(err: rustls::Error) -> TlsError {
        TlsError::Tls(err)
    }
}

/// rustls reports a failed handshake through `Read` / `Write` as an `io::Error` wrapping the
/// `rustls::Error`: unwrap it, so the caller learns which check failed.
impl From<io::Error> for TlsError {
    fn from(err: io::Error) -> TlsError {
        if err
            .get_ref()
            .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            let inner = err.into_inner().expect("checked above");
            return TlsError::Tls(*inner.downcast::<rustls::Error>().expect("checked above"));
        }
        TlsError::Io(err)
    }
}

/// Serves one HTTPS connection on a port of its own: answers the request with its first line.
/// Returns the address to connect to; the server's thread ends after that one connection.
pub fn serve_once(config: Arc<ServerConfig>) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        let Ok((socket, _)) = listener.accept() else {
            return;
        };
        // A client that refuses the certificate ends the handshake: nothing to do then.
        let _ = answer(config, socket);
    });
    Ok(addr)
}

fn answer(config: Arc<ServerConfig>, socket: TcpStream) -> io::Result<()> {
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;
    let conn = ServerConnection::new(config).map_err(io::Error::other)?;
    let mut tls = StreamOwned::new(conn, socket);
    // Read the request head (up to 8 KiB): decrypted, it is plain HTTP.
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
        let n = tls.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let body = format!(
        "hello over TLS, you sent: {}",
        text.lines().next().unwrap_or("")
    );
    write!(
        tls,
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )?;
    // close_notify tells the client the response is complete, not cut by an attacker.
    tls.conn.send_close_notify();
    tls.flush()
}
