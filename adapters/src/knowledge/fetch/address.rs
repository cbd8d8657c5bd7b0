//! Which IP addresses a URL fetch may not reach (SSRF protection): every range that is not the
//! public internet. [`forbidden_range`] names the range an address falls in, for the refusal
//! message; IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the
//! address they carry.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The name of the non-public range `ip` lies in, or `None` for a public address.
pub(crate) fn forbidden_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => forbidden_v4(ip),
        IpAddr::V6(ip) => forbidden_v6(ip),
    }
}

/// IPv4 ranges that are not the public internet, as `(first octets, prefix length, name)`.
const FORBIDDEN_V4: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 8, "unspecified (\"this network\")"),
    ([10, 0, 0, 0], 8, "private"),
    ([100, 64, 0, 0], 10, "carrier-grade NAT"),
    ([127, 0, 0, 0], 8, "loopback"),
    ([169, 254, 0, 0], 16, "link-local"),
    ([172, 16, 0, 0], 12, "private"),
    ([192, 0, 0, 0], 24, "IETF protocol assignments"),
    ([192, 0, 2, 0], 24, "documentation"),
    ([192, 88, 99, 0], 24, "6to4 relay anycast"),
    ([192, 168, 0, 0], 16, "private"),
    ([198, 18, 0, 0], 15, "benchmarking"),
    ([198, 51, 100, 0], 24, "documentation"),
    ([203, 0, 113, 0], 24, "documentation"),
    ([224, 0, 0, 0], 4, "multicast"),
    ([240, 0, 0, 0], 4, "reserved (and broadcast)"),
];

/// IPv6 ranges that are not the public internet and carry no IPv4 address to judge instead.
const FORBIDDEN_V6: &[(Ipv6Addr, u8, &str)] = &[
    (Ipv6Addr::UNSPECIFIED, 128, "unspecified"),
    (Ipv6Addr::LOCALHOST, 128, "loopback"),
    (Ipv6Addr::UNSPECIFIED, 96, "IPv4-compatible (deprecated)"),
    (
        Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
        48,
        "local-use NAT64",
    ),
    (
        Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0),
        64,
        "discard-only",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0),
        16,
        "segment routing",
    ),
    (
        Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
        7,
        "unique-local",
    ),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local"),
    (
        Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0),
        10,
        "site-local (deprecated)",
    ),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast"),
];

/// NAT64 well-known prefix `64:ff9b::/96`: the last 32 bits are an IPv4 address.
const NAT64: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0);
/// 6to4 `2002::/16`: bits 16 to 48 are an IPv4 address.
const SIX_TO_FOUR: Ipv6Addr = Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0);

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = v4_bits(u32::from(ip));
    FORBIDDEN_V4
        .iter()
        .find(|(network, prefix, _)| {
            in_prefix(bits, v4_bits(u32::from_be_bytes(*network)), *prefix)
        })
        .map(|(_, _, name)| *name)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(embedded) = embedded_v4(ip) {
        return forbidden_v4(embedded);
    }
    let bits = u128::from(ip);
    FORBIDDEN_V6
        .iter()
        .find(|(network, prefix, _)| in_prefix(bits, u128::from(*network), *prefix))
        .map(|(_, _, name)| *name)
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`), NAT64
/// (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::/48`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return Some(mapped);
    }
    let bits = u128::from(ip);
    if in_prefix(bits, u128::from(NAT64), 96) {
        return Some(Ipv4Addr::from(bits as u32));
    }
    if in_prefix(bits, u128::from(SIX_TO_FOUR), 16) {
        return Some(Ipv4Addr::from((bits >> 80) as u32));
    }
    None
}

/// Whether the top `prefix` bits of `address` equal those of `network`, both 128 bits wide.
fn in_prefix(address: u128, network: u128, prefix: u8) -> bool {
    prefix == 0 || (address ^ network) >> (128 - u32::from(prefix)) == 0
}

/// An IPv4 address in the top 32 bits, so IPv4 prefixes compare with [`in_prefix`].
fn v4_bits(bits: u32) -> u128 {
    u128::from(bits) << 96
}

#[cfg(test)]
mod tests {
    use super::forbidden_range;
    use std::net::IpAddr;

    fn range(address: &str) -> Option<&'static str> {
        forbidden_range(address.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn refuses_every_non_public_ipv4_range() {
        let cases = [
            ("0.0.0.0", "unspecified (\"this network\")"),
            ("0.255.255.255", "unspecified (\"this network\")"),
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("100.64.0.0", "carrier-grade NAT"),
            ("100.127.255.255", "carrier-grade NAT"),
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("169.254.169.254", "link-local"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.0.0.8", "IETF protocol assignments"),
            ("192.0.2.1", "documentation"),
            ("192.88.99.1", "6to4 relay anycast"),
            ("192.168.1.1", "private"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved (and broadcast)"),
            ("255.255.255.255", "reserved (and broadcast)"),
        ];
        for (address, expected) in cases {
            assert_eq!(range(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn allows_public_ipv4_including_range_neighbours() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "192.0.3.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "203.0.112.255",
            "223.255.255.255",
        ] {
            assert_eq!(range(address), None, "{address}");
        }
    }

    #[test]
    fn refuses_every_non_public_ipv6_range() {
        let cases = [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::7f00:1", "IPv4-compatible (deprecated)"),
            ("64:ff9b:1::1", "local-use NAT64"),
            ("100::1", "discard-only"),
            ("2001:db8::1", "documentation"),
            ("2001::1", "IETF protocol assignments"),
            ("2001:2::1", "IETF protocol assignments"),
            ("3fff::1", "documentation"),
            ("5f00::1", "segment routing"),
            ("fc00::1", "unique-local"),
            ("fd12:3456::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local (deprecated)"),
            ("ff02::1", "multicast"),
        ];
        for (address, expected) in cases {
            assert_eq!(range(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn judges_ipv6_forms_by_the_ipv4_address_they_embed() {
        let cases = [
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:10.1.2.3", Some("private")),
            ("::ffff:169.254.169.254", Some("link-local")),
            ("::ffff:0.0.0.0", Some("unspecified (\"this network\")")),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::127.0.0.1", Some("loopback")),
            ("64:ff9b::192.168.0.1", Some("private")),
            ("64:ff9b::8.8.8.8", None),
            ("2002:7f00:1::", Some("loopback")),
            ("2002:a9fe:a9fe::1", Some("link-local")),
            ("2002:808:808::1", None),
        ];
        for (address, expected) in cases {
            assert_eq!(range(address), expected, "{address}");
        }
    }

    #[test]
    fn allows_public_ipv6() {
        for address in [
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "2001:200::1",
            "2001:4860:4860::8888",
            "fbff::1",
        ] {
            assert_eq!(range(address), None, "{address}");
        }
    }
}
