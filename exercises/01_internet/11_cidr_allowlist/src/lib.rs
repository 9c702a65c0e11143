//! # IP allow-lists with CIDR prefixes
//!
//! Admin endpoints reachable only from the office network, webhooks accepted only from the
//! provider's ranges, an outbound client that must never call private addresses (SSRF): all
//! of these are a list of address blocks and the question "is this address in one of them?".
//!
//! A block is written in CIDR prefix notation, `address/length` (RFC 4632 §3.1,
//! <https://www.rfc-editor.org/rfc/rfc4632#section-3.1>; RFC 4291 §2.3 for IPv6,
//! <https://www.rfc-editor.org/rfc/rfc4291#section-2.3>): the block holds every address whose
//! first `length` bits equal those of `address`. `10.0.0.0/8` is 10.0.0.0 to 10.255.255.255,
//! `192.0.2.7/32` is one address, `0.0.0.0/0` is every IPv4 address, and `2001:db8::/32` is
//! every IPv6 address that starts with 2001:0db8. An address is in the block if
//! `address & mask == network`, where the mask has `length` one-bits followed by zeros.
//!
//! Allow-lists are configuration typed by people, and a mistake in one is a security hole, so
//! this parser is strict:
//!
//! - **Host bits must be zero.** In `10.0.0.1/8` the bits after the prefix are not zero. Some
//!   libraries silently mask them; but whoever wrote it may have meant the host 10.0.0.1/32,
//!   and masking would open the list to 16 million addresses: [`CidrError::HostBitsSet`]
//!   (RFC 4291 §2.3 calls `2001:0DB8::CD30/60` *not* a legal spelling of 2001:db8:0:cd30::/60).
//! - **One spelling of an address.** The address is parsed as std parses it: dotted decimal
//!   with exactly four parts and no leading zeros. `010.0.0.1` is rejected, because inet_aton
//!   and many tools read `010` as octal 8 (CVE-2021-29921). The prefix length is a decimal number (RFC 4632 §3.1) in its one
//!   spelling: ASCII digits, no `+`, no spaces, no leading zero (`/010` is rejected like the
//!   address `010.0.0.1`, although the tools that accept it read it as 10), at most 32 or 128.
//!   An address without `/length` is a single host (/32 or /128).
//! - **IPv4-mapped IPv6 addresses are IPv4.** A dual-stack server (one IPv6 socket that also
//!   accepts IPv4) sees an IPv4 client 192.0.2.7 as `::ffff:192.0.2.7` (RFC 4291 §2.5.5.2).
//!   Compared as IPv6, that client would match none of the IPv4 entries: the list would deny
//!   legitimate clients, and a *deny*-list would be bypassed. So addresses in ::ffff:0:0/96 are
//!   turned into the IPv4 address they carry, both when checking an address and when parsing
//!   an entry (`::ffff:10.0.0.0/104` is the entry 10.0.0.0/8). The deprecated form `::a.b.c.d`
//!   (§2.5.5.1) is an ordinary IPv6 address (`Ipv6Addr::to_ipv4_mapped`, not `to_ipv4`).
//! - An IPv4 address never matches an IPv6 entry and the other way round, and an empty list
//!   allows nothing: when in doubt, deny.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// Why an entry is not a valid CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidrError {
    /// The part before the `/` is not an IPv4 or IPv6 address as std parses it.
    InvalidAddress,
    /// The part after the `/` is not a decimal number without leading zeros, or is longer than
    /// 32 (IPv4) or 128 (IPv6).
    InvalidPrefix,
    /// The address has one-bits after the prefix length.
    HostBitsSet,
}

/// A block of addresses: a network address with all host bits zero, and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    network: IpAddr,
    prefix_len: u8,
}

/// The IPv4 address inside an IPv4-mapped IPv6 address, or the address itself.
pub fn canonical(ip: IpAddr) -> IpAddr {
    // TODO: ::ffff:a.b.c.d becomes a.b.c.d; every other address stays as it is.
    todo!("the canonical form of {ip}")
}

impl Cidr {
    /// The block `network/prefix_len`. An IPv4-mapped network with a prefix of at least 96
    /// becomes the IPv4 block it describes.
    pub fn new(network: IpAddr, prefix_len: u8) -> Result<Cidr, CidrError> {
        // TODO: check the prefix length against the address family, turn an IPv4-mapped
        // block into IPv4, and reject one-bits after the prefix.
        todo!("the block {network}/{prefix_len}")
    }

    /// The network address (all host bits zero).
    pub fn network(&self) -> IpAddr {
        self.network
    }

    /// The number of leading bits that every address in the block shares.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// Whether `ip` is in this block. IPv4-mapped IPv6 addresses are checked as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        // TODO: same family (after `canonical`), and the first `prefix_len` bits equal.
        todo!("is {ip} in {self}?")
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// Parses `address/length`, or a bare address as a single host.
    fn from_str(s: &str) -> Result<Cidr, CidrError> {
        // TODO: split at the '/', parse both parts strictly, and let `Cidr::new` check the
        // rest.
        todo!("parse the block {s:?}")
    }
}

impl fmt::Display for Cidr {
    /// `network/length`, the network in its canonical text form (RFC 5952 for IPv6).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

/// An entry of an allow-list that could not be parsed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowListError {
    /// The entry as it was written.
    pub entry: String,
    pub error: CidrError,
}

/// A set of CIDR blocks; an address is allowed if it is in at least one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    entries: Vec<Cidr>,
}

impl AllowList {
    /// The blocks, in the order they were given.
    pub fn entries(&self) -> &[Cidr] {
        &self.entries
    }

    /// Whether `ip` is in one of the blocks.
    pub fn allows(&self, ip: IpAddr) -> bool {
        // TODO: in at least one block.
        todo!("does the list allow {ip}?")
    }
}

impl FromStr for AllowList {
    type Err = AllowListError;

    /// Parses entries separated by commas and/or whitespace, as they come from a config file
    /// or an environment variable. The first bad entry fails the whole list.
    fn from_str(s: &str) -> Result<AllowList, AllowListError> {
        // TODO: split, skip empty pieces, parse each entry, and report the first bad one with
        // its text.
        todo!("parse the allow-list {s:?}")
    }
}
