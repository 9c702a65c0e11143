//! The specification of the TLS client and server: a request goes through encrypted, and the
//! client refuses every certificate it should: signed by no one it trusts, expired, not yet
//! valid, or for another host. Every certificate is made here, by the test's own CA (rcgen),
//! so nothing depends on the system's roots or on the network.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{CertificateError, Error as RustlsError};
use tls::{TlsError, client_config, fetch, serve_once, server_config};

const TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST: &[u8] = b"POST /login HTTP/1.1\r\nHost: localhost\r\n\r\npassword=hunter2";

type Ca = CertifiedIssuer<'static, KeyPair>;

/// A certificate authority of the test's own.
fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A server certificate for `names`, valid from `from` to `until` (years), signed by `ca`, or
/// by its own key when `ca` is `None`.
fn leaf(
    ca: Option<&Ca>,
    names: &[&str],
    (from, until): (i32, i32),
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.not_before = date_time_ymd(from, 1, 1);
    params.not_after = date_time_ymd(until, 1, 1);
    let key = KeyPair::generate().unwrap();
    let cert = match ca {
        Some(ca) => params.signed_by(&key, ca).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (vec![cert.der().clone()], key)
}

const VALID: (i32, i32) = (2020, 2200);

/// Starts the given server with the learner's configuration for this certificate.
fn server(cert: (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)) -> SocketAddr {
    let config = server_config(cert.0, cert.1)
        .unwrap_or_else(|e| panic!("server_config must accept a valid certificate: {e:?}"));
    serve_once(config).expect("the server binds a port")
}

/// The learner's client, trusting `ca`, fetching from `addr` as `host`, bounded in time.
fn fetch_as(ca: &Ca, addr: SocketAddr, host: &str) -> Result<Vec<u8>, TlsError> {
    let config = client_config(ca.der().clone())
        .unwrap_or_else(|e| panic!("client_config must accept a CA certificate: {e:?}"));
    let host = host.to_owned();
    testkit::within(TIMEOUT, move || {
        fetch(config, addr, &host, REQUEST, TIMEOUT)
    })
    .expect("fetch must finish: it has timeouts on every socket operation")
}

#[track_caller]
fn refused(got: Result<Vec<u8>, TlsError>, what: &str, expected: fn(&CertificateError) -> bool) {
    match got {
        Err(TlsError::Tls(RustlsError::InvalidCertificate(e))) if expected(&e) => {}
        Ok(response) => panic!(
            "the client accepted {what} and got {:?}: an attacker in the middle presents \
             exactly such a certificate",
            String::from_utf8_lossy(&response)
        ),
        Err(other) => panic!("{what} must be refused for its certificate; the error was {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// What works

#[test]
fn a_client_that_trusts_the_ca_fetches_over_tls() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["localhost"], VALID));
    let response = fetch_as(&ca, addr, "localhost").expect("a valid certificate for localhost");
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 200 OK\r\n")
            && response.ends_with("hello over TLS, you sent: POST /login HTTP/1.1"),
        "the whole response, read until the server's close_notify, was {response:?}"
    );
}

#[test]
fn an_ip_address_is_checked_as_a_name_too() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["127.0.0.1"], VALID));
    fetch_as(&ca, addr, "127.0.0.1")
        .expect("a certificate for the IP address 127.0.0.1 serves a client asking for it");
}

#[test]
fn the_wire_carries_no_plaintext() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["localhost"], VALID));
    let (relay, wire) = eavesdropper(addr);
    let response = fetch_as(&ca, relay, "localhost").expect("a fetch through a relay");
    assert!(String::from_utf8_lossy(&response).contains("hello over TLS"));
    let wire = wire.recv_timeout(TIMEOUT).expect("the relay's capture");
    for secret in [&b"hunter2"[..], b"POST /login", b"hello over TLS"] {
        assert!(
            !wire.windows(secret.len()).any(|w| w == secret),
            "{:?} crossed the network in the clear",
            String::from_utf8_lossy(secret)
        );
    }
    assert_eq!(
        wire.first(),
        Some(&0x16),
        "the first byte on the wire is a TLS handshake record"
    );
}

#[test]
fn the_server_works_with_a_client_the_test_builds() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["localhost"], VALID));
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let socket = TcpStream::connect(addr).unwrap();
    socket.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, socket);
    tls.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let mut response = String::new();
    tls.read_to_string(&mut response).unwrap();
    assert!(
        response.ends_with("you sent: GET / HTTP/1.1"),
        "got {response:?}"
    );
    assert_eq!(
        tls.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3),
        "the server must speak TLS 1.3"
    );
}

// ---------------------------------------------------------------------------------------------
// What is refused

#[test]
fn a_self_signed_certificate_is_refused() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(None, &["localhost"], VALID));
    refused(
        fetch_as(&ca, addr, "localhost"),
        "a self-signed certificate for localhost",
        |e| matches!(e, CertificateError::UnknownIssuer),
    );
}

#[test]
fn a_certificate_from_another_ca_is_refused() {
    let ca = ca("backlings test CA");
    let other = ca_other();
    let addr = server(leaf(Some(&other), &["localhost"], VALID));
    refused(
        fetch_as(&ca, addr, "localhost"),
        "a certificate signed by a CA the client does not trust",
        |e| matches!(e, CertificateError::UnknownIssuer),
    );
}

fn ca_other() -> Ca {
    ca("evil CA")
}

#[test]
fn an_expired_certificate_is_refused() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["localhost"], (2000, 2001)));
    refused(
        fetch_as(&ca, addr, "localhost"),
        "a certificate that expired in 2001",
        |e| {
            matches!(
                e,
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            )
        },
    );
}

#[test]
fn a_certificate_not_yet_valid_is_refused() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["localhost"], (2199, 2200)));
    refused(
        fetch_as(&ca, addr, "localhost"),
        "a certificate valid only from 2199",
        |e| {
            matches!(
                e,
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
            )
        },
    );
}

#[test]
fn a_certificate_for_another_host_is_refused() {
    let ca = ca("backlings test CA");
    let addr = server(leaf(Some(&ca), &["evil.example"], VALID));
    refused(
        fetch_as(&ca, addr, "localhost"),
        "a valid certificate for evil.example, presented for localhost",
        |e| {
            matches!(
                e,
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            )
        },
    );
}

#[test]
fn a_name_that_is_no_host_is_refused() {
    let ca = ca("backlings test CA");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    for host in ["", "not a host!", "local host"] {
        match fetch_as(&ca, addr, host) {
            Err(TlsError::BadName(name)) => assert_eq!(name, host, "BadName holds the name"),
            other => panic!("{host:?} is no DNS name or IP address: BadName, got {other:?}"),
        }
    }
}

#[test]
fn a_server_that_never_answers_times_out() {
    let ca = ca("backlings test CA");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let config = client_config(ca.der().clone()).unwrap();
    // The listener accepts (the kernel does) and then says nothing.
    let got = testkit::within(TIMEOUT, move || {
        fetch(
            config,
            addr,
            "localhost",
            REQUEST,
            Duration::from_millis(200),
        )
    })
    .expect("fetch must give up after its timeout, not hang on a silent server");
    match got {
        Err(TlsError::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!("a silent server must end in a time-out error, got {other:?}"),
    }
    drop(listener);
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused_at_start() {
    let ca = ca("backlings test CA");
    let (chain, _) = leaf(Some(&ca), &["localhost"], VALID);
    let (_, other_key) = leaf(Some(&ca), &["localhost"], VALID);
    assert!(
        server_config(chain, other_key).is_err(),
        "a certificate with someone else's key can never complete a handshake: refuse it \
         when the server starts, not at its first client"
    );
}

// ---------------------------------------------------------------------------------------------
// The eavesdropper: a relay that records every byte between the client and the server.

fn eavesdropper(server: SocketAddr) -> (SocketAddr, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        let upstream = TcpStream::connect(server).unwrap();
        let up = pipe(client.try_clone().unwrap(), upstream.try_clone().unwrap());
        let down = pipe(upstream, client);
        let mut wire = up.join().unwrap();
        wire.extend(down.join().unwrap());
        let _ = tx.send(wire);
    });
    (addr, rx)
}

/// Copies `from` to `to` until `from` ends, and returns what went through.
fn pipe(mut from: TcpStream, mut to: TcpStream) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        from.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
        seen
    })
}
