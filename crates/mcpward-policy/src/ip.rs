//! Which hosts a URL argument may not name unless the policy lists them explicitly: every
//! address that is not globally routable (loopback, private, link-local, CGNAT, ULA, …), cloud
//! metadata endpoints, and the `localhost` family of names.
//!
//! `IpAddr::is_global` is unstable, so the ranges are written out here (IANA special-purpose
//! registries for IPv4 and IPv6). IPv6 forms that embed an IPv4 address (mapped, compatible,
//! NAT64, 6to4) are judged by the embedded address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The kind [`classify_ip`] gives a cloud metadata address.
pub(crate) const METADATA_ADDRESS: &str = "a cloud metadata address";

/// The kind [`classify_name`] gives a cloud metadata host name.
pub(crate) const METADATA_HOST_NAME: &str = "a cloud metadata host name";

/// Why an IPv4 address is special, or `None` when it is globally routable.
pub(crate) fn classify_v4(a: Ipv4Addr) -> Option<&'static str> {
    let o = a.octets();
    let v = u32::from(a);
    let in_net = |net: u32, bits: u32| (v ^ net) >> (32 - bits) == 0;
    // AWS/GCP/Azure/OpenStack, ECS task credentials, EKS pod identity, Alibaba, Oracle.
    if a == Ipv4Addr::new(169, 254, 169, 254)
        || a == Ipv4Addr::new(169, 254, 170, 2)
        || a == Ipv4Addr::new(169, 254, 170, 23)
        || a == Ipv4Addr::new(100, 100, 100, 200)
        || a == Ipv4Addr::new(192, 0, 0, 192)
    {
        return Some(METADATA_ADDRESS);
    }
    Some(match () {
        _ if o[0] == 0 => "an unspecified (\"this network\") address",
        _ if o[0] == 127 => "a loopback address",
        _ if o[0] == 10 || in_net(0xac10_0000, 12) || in_net(0xc0a8_0000, 16) => {
            "a private address"
        }
        _ if in_net(0x6440_0000, 10) => "a carrier-grade NAT (CGNAT) address",
        _ if in_net(0xa9fe_0000, 16) => "a link-local address",
        _ if in_net(0xc000_0000, 24) => "an IETF protocol assignment address",
        _ if in_net(0xc000_0200, 24) || in_net(0xc633_6400, 24) || in_net(0xcb00_7100, 24) => {
            "a documentation address"
        }
        _ if in_net(0xc058_6300, 24) => "a 6to4 relay anycast address",
        _ if in_net(0xc612_0000, 15) => "a benchmarking address",
        _ if o[0] >= 224 && o[0] < 240 => "a multicast address",
        _ if o[0] >= 240 => "a reserved or broadcast address",
        _ => return None,
    })
}

/// Why an IPv6 address is special, or `None` when it is globally routable.
pub(crate) fn classify_v6(a: Ipv6Addr) -> Option<&'static str> {
    let s = a.segments();
    let v = u128::from(a);
    let in_net = |net: u128, bits: u32| (v ^ net) >> (128 - bits) == 0;
    if a == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)
        || a == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0023)
    {
        return Some(METADATA_ADDRESS);
    }
    if a.is_unspecified() {
        return Some("an unspecified address");
    }
    if a.is_loopback() {
        return Some("a loopback address");
    }
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible).
    if let Some(v4) = a.to_ipv4() {
        return classify_v4(v4).or(Some("an IPv4-compatible address"));
    }
    // 64:ff9b::/96: NAT64 to the embedded address.
    if in_net(0x0064_ff9b_0000_0000_0000_0000_0000_0000, 96) {
        let v4 = Ipv4Addr::from((v & 0xffff_ffff) as u32);
        return classify_v4(v4);
    }
    // 2002::/16: 6to4, the IPv4 address is in bits 16..48.
    if s[0] == 0x2002 {
        let v4 = Ipv4Addr::from(((v >> 80) & 0xffff_ffff) as u32);
        return classify_v4(v4).or(Some("a 6to4 address"));
    }
    Some(match () {
        _ if in_net(0x0064_ff9b_0001 << 80, 48) => "a local-use NAT64 address",
        _ if in_net(0x0100 << 112, 64) => "a discard-only address",
        _ if in_net(0x2001_0db8 << 96, 32) || in_net(0x3fff << 112, 20) => {
            "a documentation address"
        }
        _ if in_net(0x2001 << 112, 23) => "an IETF protocol assignment address (incl. Teredo)",
        _ if in_net(0xfc00 << 112, 7) => "a unique local (ULA) address",
        _ if in_net(0xfe80 << 112, 10) => "a link-local address",
        _ if in_net(0xfec0 << 112, 10) => "a site-local address",
        _ if in_net(0xff00 << 112, 8) => "a multicast address",
        _ => return None,
    })
}

/// Why an address of either family is special, or `None` when it is globally routable.
pub(crate) fn classify_ip(a: IpAddr) -> Option<&'static str> {
    match a {
        IpAddr::V4(a) => classify_v4(a),
        IpAddr::V6(a) => classify_v6(a),
    }
}

/// Host names that always mean this machine or a metadata service.
pub(crate) fn classify_name(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.');
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("the local host");
    }
    const METADATA: &[&str] = &[
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
        "metadata.tencentyun.com",
    ];
    if METADATA.contains(&host) {
        return Some(METADATA_HOST_NAME);
    }
    if host == "internal" || host.ends_with(".internal") {
        return Some("a private-use `.internal` host name");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metadata services stay refused where other non-public addresses may be admitted, so they
    /// must be named as such, not as link-local or unique-local.
    #[test]
    fn metadata_addresses_are_named() {
        for v4 in [
            "169.254.169.254",
            "169.254.170.2",
            "169.254.170.23",
            "100.100.100.200",
        ] {
            let a: Ipv4Addr = v4.parse().unwrap_or(Ipv4Addr::UNSPECIFIED);
            assert_eq!(classify_v4(a), Some(METADATA_ADDRESS), "{v4}");
        }
        for v6 in ["fd00:ec2::254", "fd00:ec2::23"] {
            let a: Ipv6Addr = v6.parse().unwrap_or(Ipv6Addr::UNSPECIFIED);
            assert_eq!(classify_v6(a), Some(METADATA_ADDRESS), "{v6}");
        }
        let link_local: Ipv4Addr = "169.254.170.3".parse().unwrap_or(Ipv4Addr::UNSPECIFIED);
        assert_eq!(classify_v4(link_local), Some("a link-local address"));
    }

    #[test]
    fn v4() {
        for special in [
            "0.0.0.0",
            "127.0.0.1",
            "10.1.2.3",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "169.254.1.1",
            "192.0.0.192",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
        ] {
            let a: Ipv4Addr = special.parse().unwrap_or(Ipv4Addr::UNSPECIFIED);
            assert!(classify_v4(a).is_some(), "{special}");
        }
        for global in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "140.82.112.3",
        ] {
            let a: Ipv4Addr = global.parse().unwrap_or(Ipv4Addr::LOCALHOST);
            assert!(classify_v4(a).is_none(), "{global}");
        }
    }

    #[test]
    fn v6() {
        for special in [
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "fd00:ec2::254",
            "fc00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
        ] {
            let a: Ipv6Addr = special.parse().unwrap_or(Ipv6Addr::LOCALHOST);
            assert!(classify_v6(a).is_some(), "{special}");
        }
        for global in [
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "64:ff9b::808:808",
        ] {
            let a: Ipv6Addr = global.parse().unwrap_or(Ipv6Addr::LOCALHOST);
            assert!(classify_v6(a).is_none(), "{global}");
        }
    }
}
