//! Reading a [`Cidr`] from text, and prefix arithmetic.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::plan::Cidr;

/// Why a text is not a [`Cidr`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseCidrError {
    /// An address without `/PREFIX`, such as `10.0.0.1`.
    MissingPrefix {
        /// The address that was written.
        addr: IpAddr,
    },
    /// The part before `/` (or the whole text) is not an IPv4 or IPv6 address.
    InvalidAddress {
        /// That part, as written.
        text: String,
    },
    /// The part after `/` is not a decimal number.
    InvalidPrefix {
        /// That part, as written.
        text: String,
    },
    /// The prefix is longer than the address: more than 32 bits for IPv4,
    /// more than 128 for IPv6.
    PrefixTooLong {
        /// The address.
        addr: IpAddr,
        /// The prefix length as written (saturated at `u32::MAX`).
        prefix: u32,
    },
}

impl FromStr for Cidr {
    type Err = ParseCidrError;

    /// Reads `ADDR/PREFIX`: `10.0.0.1/24`, `fd00::1/64`. Host bits are kept.
    fn from_str(s: &str) -> Result<Cidr, ParseCidrError> {
        let Some((addr, prefix)) = s.split_once('/') else {
            return Err(match s.parse::<IpAddr>() {
                Ok(addr) => ParseCidrError::MissingPrefix { addr },
                Err(_) => ParseCidrError::InvalidAddress { text: s.to_owned() },
            });
        };
        let addr: IpAddr = addr.parse().map_err(|_| ParseCidrError::InvalidAddress {
            text: addr.to_owned(),
        })?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseCidrError::InvalidPrefix {
                text: prefix.to_owned(),
            });
        }
        let value = prefix.bytes().fold(0u32, |n, digit| {
            n.saturating_mul(10).saturating_add(u32::from(digit - b'0'))
        });
        match u8::try_from(value) {
            Ok(prefix) if prefix <= max_prefix(addr) => Ok(Cidr { addr, prefix }),
            _ => Err(ParseCidrError::PrefixTooLong {
                addr,
                prefix: value,
            }),
        }
    }
}

impl fmt::Display for ParseCidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseCidrError::MissingPrefix { addr } => {
                write!(
                    f,
                    "`{addr}` has no prefix length (write it like `{addr}/{}`)",
                    example_prefix(*addr)
                )
            }
            ParseCidrError::InvalidAddress { text } => {
                write!(f, "`{text}` is not an IPv4 or IPv6 address")
            }
            ParseCidrError::InvalidPrefix { text } => write!(f, "`/{text}` is not a prefix length"),
            ParseCidrError::PrefixTooLong { addr, prefix } => write!(
                f,
                "prefix length /{prefix} is too long for an {} address (at most {})",
                family(*addr),
                max_prefix(*addr)
            ),
        }
    }
}

impl std::error::Error for ParseCidrError {}

impl Cidr {
    /// The prefix itself: the address with its host bits cleared
    /// (`10.0.0.1/24` gives `10.0.0.0/24`).
    pub fn network(&self) -> Cidr {
        let prefix = self.prefix.min(max_prefix(self.addr));
        let addr = match self.addr {
            IpAddr::V4(ip) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(ip) & mask))
            }
            IpAddr::V6(ip) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(ip) & mask))
            }
        };
        Cidr { addr, prefix }
    }

    /// The last address of the prefix: for IPv4 up to /30, the broadcast
    /// address (`10.0.0.1/24` gives `10.0.0.255`).
    pub(crate) fn last(&self) -> IpAddr {
        let prefix = u32::from(self.prefix.min(max_prefix(self.addr)));
        match self.addr {
            IpAddr::V4(ip) => {
                let host = u32::MAX.checked_shr(prefix).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(ip) | host))
            }
            IpAddr::V6(ip) => {
                let host = u128::MAX.checked_shr(prefix).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(ip) | host))
            }
        }
    }

    /// Whether `self` and `other` are in one prefix, each seen from the
    /// other: each address lies inside the other's prefix. Two ends of a
    /// link reach each other directly only then.
    pub(crate) fn shares_prefix_with(&self, other: &Cidr) -> bool {
        self.contains(other.addr) && other.contains(self.addr)
    }
}

/// The address after `ip` (wrapping).
pub(crate) fn next(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(u32::from(v4).wrapping_add(1).into()),
        IpAddr::V6(v6) => IpAddr::V6(u128::from(v6).wrapping_add(1).into()),
    }
}

/// The address before `ip` (wrapping).
pub(crate) fn previous(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(u32::from(v4).wrapping_sub(1).into()),
        IpAddr::V6(v6) => IpAddr::V6(u128::from(v6).wrapping_sub(1).into()),
    }
}

/// 32 for IPv4, 128 for IPv6.
pub(crate) fn max_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() {
        32
    } else {
        128
    }
}

/// A prefix length to show in examples: 24 for IPv4, 64 for IPv6.
pub(crate) fn example_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() {
        24
    } else {
        64
    }
}

/// `IPv4` or `IPv6`.
pub(crate) fn family(addr: IpAddr) -> &'static str {
    if addr.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

#[cfg(test)]
mod cidr_should {
    use super::*;

    fn cidr(s: &str) -> Result<Cidr, ParseCidrError> {
        s.parse()
    }

    #[test]
    fn read_ipv4_and_ipv6_with_host_bits_kept() {
        assert_eq!(
            cidr("10.0.0.1/24").map(|c| c.to_string()),
            Ok("10.0.0.1/24".into())
        );
        assert_eq!(
            cidr("fd00::1/64").map(|c| c.to_string()),
            Ok("fd00::1/64".into())
        );
        assert_eq!(cidr("0.0.0.0/0").map(|c| c.prefix), Ok(0));
    }

    #[test]
    fn reject_a_bare_address() {
        assert_eq!(
            cidr("10.0.0.1"),
            Err(ParseCidrError::MissingPrefix {
                addr: "10.0.0.1".parse().unwrap()
            })
        );
    }

    #[test]
    fn reject_a_bad_address_or_prefix() {
        assert!(matches!(
            cidr("10.0.0.256/24"),
            Err(ParseCidrError::InvalidAddress { .. })
        ));
        assert!(matches!(
            cidr("10.0.0.1/"),
            Err(ParseCidrError::InvalidPrefix { .. })
        ));
        assert!(matches!(
            cidr("10.0.0.1/+4"),
            Err(ParseCidrError::InvalidPrefix { .. })
        ));
        assert!(matches!(
            cidr("10.0.0.1/33"),
            Err(ParseCidrError::PrefixTooLong { prefix: 33, .. })
        ));
        assert!(matches!(
            cidr("fd00::/129"),
            Err(ParseCidrError::PrefixTooLong { .. })
        ));
        assert!(matches!(
            cidr("fd00::/99999999999999"),
            Err(ParseCidrError::PrefixTooLong {
                prefix: u32::MAX,
                ..
            })
        ));
    }

    #[test]
    fn compute_the_last_address() {
        assert_eq!(
            cidr("10.0.0.1/24").unwrap().last().to_string(),
            "10.0.0.255"
        );
        assert_eq!(cidr("10.0.0.1/32").unwrap().last().to_string(), "10.0.0.1");
        assert_eq!(
            cidr("10.0.0.1/0").unwrap().last().to_string(),
            "255.255.255.255"
        );
        assert_eq!(
            cidr("fd00::1/112").unwrap().last().to_string(),
            "fd00::ffff"
        );
    }

    #[test]
    fn share_a_prefix_only_when_each_holds_the_other() {
        let shares = |a: &str, b: &str| cidr(a).unwrap().shares_prefix_with(&cidr(b).unwrap());
        assert!(shares("10.0.0.1/24", "10.0.0.2/24"));
        assert!(shares("10.0.0.1/24", "10.0.0.2/16"));
        assert!(!shares("10.0.0.1/16", "10.0.1.2/24"));
        assert!(!shares("10.0.0.1/24", "10.0.1.2/24"));
        assert!(!shares("10.0.0.1/24", "fd00::1/64"));
    }

    #[test]
    fn compute_the_network() {
        assert_eq!(
            cidr("10.1.2.3/16").unwrap().network().to_string(),
            "10.1.0.0/16"
        );
        assert_eq!(
            cidr("10.1.2.3/0").unwrap().network().to_string(),
            "0.0.0.0/0"
        );
        assert_eq!(
            cidr("10.1.2.3/32").unwrap().network().to_string(),
            "10.1.2.3/32"
        );
        assert_eq!(
            cidr("fd00::1:2/112").unwrap().network().to_string(),
            "fd00::1:0/112"
        );
    }
}
