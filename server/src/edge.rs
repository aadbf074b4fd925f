//! What Keel knows about the network in front of it: the public URL people reach it at
//! (KEEL_PUBLIC_URL) and the reverse proxies whose X-Forwarded-For it believes
//! (KEEL_TRUSTED_PROXIES). From these come the client's address (sign-in throttling), the origin
//! a write must come from, and whether cookies are Secure and HSTS is sent.

use std::net::IpAddr;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edge {
    /// `scheme://host[:port]` of KEEL_PUBLIC_URL, lower-cased, without a path.
    pub public_origin: Option<String>,
    pub trusted_proxies: Vec<Network>,
}

impl Edge {
    /// Served over HTTPS (as the public URL says): Secure cookies and HSTS.
    pub fn is_https(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|origin| origin.starts_with("https://"))
    }

    /// The client's address: the connecting peer's, unless the peer is a trusted proxy; then
    /// X-Forwarded-For read from the right, skipping trusted proxies, and the first address
    /// that is not one is the client (anything to its left may be forged by the client).
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.is_trusted(peer) {
            return peer;
        }
        let Some(chain) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in chain.rsplit(',') {
            let Some(address) = parse_hop(hop) else {
                // An entry that is not an address: stop at the last one we could read.
                return client;
            };
            client = address;
            if !self.is_trusted(address) {
                return address;
            }
        }
        client
    }

    /// Whether `address` is one of KEEL_TRUSTED_PROXIES.
    pub fn is_trusted(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|network| network.contains(address))
    }
}

/// One X-Forwarded-For entry: an address, possibly with a port ("203.0.113.7:4711",
/// "[2001:db8::1]:443").
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

/// An address or a CIDR block ("10.0.0.0/8", "fd00::/8", "192.168.1.5").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.trim().parse().ok()?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Network { address, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(address),
            v4 => v4,
        };
        match (self.address, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// KEEL_TRUSTED_PROXIES: addresses or CIDR blocks, separated by commas or spaces.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<Network>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            Network::parse(part).ok_or_else(|| {
                format!(
                    "KEEL_TRUSTED_PROXIES: {part:?} is not an IP address or CIDR block \
                     (like 10.0.0.0/8)"
                )
            })
        })
        .collect()
}

/// KEEL_PUBLIC_URL ("https://keel.example.com", path ignored) as the origin browsers send.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let error = || {
        format!(
            "KEEL_PUBLIC_URL must be an http:// or https:// address like \
             https://keel.example.com, got {text:?}"
        )
    };
    let text = text.trim();
    let (scheme, rest) = text.split_once("://").ok_or_else(error)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(error());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') || host.contains(char::is_whitespace) {
        return Err(error());
    }
    // Browsers leave the default port out of Origin, so the setting must too.
    let host = host.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    Ok(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(proxies: &str) -> Edge {
        Edge {
            public_origin: None,
            trusted_proxies: parse_trusted_proxies(proxies).unwrap(),
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_forwards() {
        let edge = edge("10.0.0.1");
        assert_eq!(
            edge.client_ip(ip("203.0.113.9"), Some("198.51.100.1")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_rightmost_untrusted_hop() {
        let edge = edge("10.0.0.0/8, 192.168.1.5");
        // The client forged the first entry; the proxies appended the real one.
        let chain = "1.2.3.4, 198.51.100.7, 10.1.2.3";
        assert_eq!(
            edge.client_ip(ip("192.168.1.5"), Some(chain)),
            ip("198.51.100.7")
        );
        assert_eq!(edge.client_ip(ip("10.9.9.9"), None), ip("10.9.9.9"));
        assert_eq!(
            edge.client_ip(ip("10.9.9.9"), Some("garbage")),
            ip("10.9.9.9")
        );
        // Entries with ports, as some proxies write them.
        assert_eq!(
            edge.client_ip(ip("10.0.0.2"), Some("198.51.100.9:4711, [2001:db8::1]:443")),
            ip("2001:db8::1")
        );
        // IPv4 peers arriving on an IPv6 socket are still recognised.
        assert_eq!(
            edge.client_ip(ip("::ffff:10.0.0.2"), Some("198.51.100.8")),
            ip("198.51.100.8")
        );
    }

    #[test]
    fn networks_parse_and_match_by_prefix() {
        let net = Network::parse("fd00::/8").unwrap();
        assert!(net.contains(ip("fd12::1")));
        assert!(!net.contains(ip("fe80::1")));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Network::parse("10.0.0.0/33").is_none());
        assert!(parse_trusted_proxies("10.0.0.1, nonsense").is_err());
        assert_eq!(parse_trusted_proxies("").unwrap(), vec![]);
    }

    #[test]
    fn the_public_url_becomes_an_origin() {
        assert_eq!(
            parse_public_url("https://Keel.Example.com/app/").unwrap(),
            "https://keel.example.com"
        );
        assert_eq!(
            parse_public_url("http://10.0.0.5:3000").unwrap(),
            "http://10.0.0.5:3000"
        );
        assert_eq!(
            parse_public_url("https://keel.example.com:443").unwrap(),
            "https://keel.example.com"
        );
        assert!(parse_public_url("keel.example.com").is_err());
        assert!(parse_public_url("ftp://keel.example.com").is_err());
        assert!(parse_public_url("https://").is_err());
    }
}
