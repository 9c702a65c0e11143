//! # SSRF: checking where an outbound request goes
//!
//! Many backends fetch URLs that users give them: a webhook to call, an avatar to download, a
//! link to preview. The request leaves from inside the network, so a user who names an
//! internal address reaches what the firewall keeps from the internet: the admin port on
//! `127.0.0.1`, a database on `10.0.0.5`, and above all the cloud metadata service at
//! `169.254.169.254`, which hands out the server's own credentials. That is **server-side
//! request forgery**, the attack behind the Capital One breach of 2019.
//!
//! A check on the URL's text fails: `http://2130706433/`, `http://0177.0.0.1/`,
//! `http://0x7f.1/` and `http://[::ffff:127.0.0.1]/` are all 127.0.0.1 to an HTTP client, and
//! `http://rebind.example/` is whatever its DNS answers. So the check works on addresses:
//!
//! - [`is_forbidden`] says whether an address must not be reached: loopback, private
//!   (RFC 1918 and IPv6 unique local), link-local, "this network" `0.0.0.0/8` and `::`,
//!   shared `100.64.0.0/10` (RFC 6598), broadcast, multicast; and an **IPv4-mapped** IPv6
//!   address (`::ffff:a.b.c.d`) is judged as the IPv4 address it carries. Use `std`'s methods
//!   on [`Ipv4Addr`] and [`Ipv6Addr`](std::net::Ipv6Addr).
//! - [`check`] reads the URL with the given [`parse_target`] (the WHATWG host parser, which
//!   decodes those spellings), resolves a domain with the injected [`Resolve`] **once**, checks
//!   **every** address (a DNS answer can mix a public address with a private one) and returns
//!   them with the port. The caller connects to exactly these: resolving again to connect
//!   would let a DNS server answer "public" to the check and "127.0.0.1" to the connection
//!   (**DNS rebinding**).
//! - [`fetch`] follows redirects and runs the whole check again on every `Location`: a public
//!   server may answer `302 Location: http://169.254.169.254/`. At most [`MAX_REDIRECTS`].
//!
//! Primary sources: OWASP Server-Side Request Forgery Prevention Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html>;
//! the IANA special-purpose address registries (RFC 6890).

mod target;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub use target::{Host, Target, parse_target};

/// Must a request never reach `ip`?
pub fn is_forbidden(ip: IpAddr) -> bool {
    // TODO: for V6, `to_ipv4_mapped()` first: a mapped address is judged as its IPv4 one.
    //       IPv4: is_loopback, is_private, is_link_local, is_broadcast, is_multicast, and by
    //       hand (from `octets()`) 0.0.0.0/8 and 100.64.0.0/10. IPv6: is_loopback,
    //       is_unspecified, is_unique_local, is_unicast_link_local, is_multicast.
    let _ = (ip, Ipv4Addr::LOCALHOST);
    todo!("is_forbidden")
}

/// The addresses a request to `url` may connect to: every address its host resolves to, each
/// checked, with the port. The host is resolved once; connect to these and nothing else.
pub fn check(url: &str, resolver: &impl Resolve) -> Result<Vec<SocketAddr>, Blocked> {
    // TODO: parse_target (None: Blocked::BadUrl with the url). An IP host is its own single
    //       address; a domain goes to `resolver.resolve` once. No address: NoAddress (the
    //       url). Any forbidden address: Forbidden(that address). Else each address with
    //       the target's port.
    let _ = (url, resolver);
    todo!("check")
}

/// Gets `url` through `client`, following up to [`MAX_REDIRECTS`] redirects, each hop checked
/// before it is requested.
pub fn fetch(
    url: &str,
    resolver: &impl Resolve,
    client: &mut impl Client,
) -> Result<Response, Blocked> {
    // TODO: loop: check the URL, `client.get(url, &the checked addresses)`; a 3xx status
    //       with a `location` makes that location the next URL, anything else is the answer.
    //       The first request and MAX_REDIRECTS redirects; one more is TooManyRedirects.
    let _ = (url, resolver, client);
    todo!("fetch")
}

// ---------------------------------------------------------------------------------------------
// Given: the resolver and the client (injected, so tests control DNS and the network), the
// response, and the errors.
// ---------------------------------------------------------------------------------------------

/// How many redirects [`fetch`] follows (browsers allow 20; a server fetching for users needs
/// few, and each is a chance to be sent somewhere else).
pub const MAX_REDIRECTS: usize = 5;

/// Looks a domain up: every address of its A and AAAA records, in the order DNS gave them.
pub trait Resolve {
    fn resolve(&self, domain: &str) -> Vec<IpAddr>;
}

/// Sends a GET for `url` to one of `addrs` (the Host header and TLS name from `url`).
pub trait Client {
    fn get(&mut self, url: &str, addrs: &[SocketAddr]) -> Response;
}

/// What came back from a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The `Location` header of a redirect, an absolute URL.
    pub location: Option<String>,
    pub body: String,
}

/// Why a request was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// Not an absolute `http` or `https` URL with a valid host.
    BadUrl(String),
    /// The host resolved to no address.
    NoAddress(String),
    /// The host is, or resolved to, an address that must not be reached.
    Forbidden(IpAddr),
    /// More than [`MAX_REDIRECTS`] redirects.
    TooManyRedirects,
}
