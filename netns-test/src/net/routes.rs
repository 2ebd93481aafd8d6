//! Routes as a test changes them: the `route` statement's forms parsed at
//! run time, and the routes a node keeps so that they come back when a
//! link that the kernel flushed them with comes back up.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use netns_test_topology::Cidr;

/// A route of a node: `dest` (`None`: the default route of the gateway's
/// family) via `via`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) dest: Option<Cidr>,
    pub(crate) via: IpAddr,
}

impl Route {
    /// The route `dest` via `via`, checked as the `route` statement is:
    /// `dest` is `default` or a CIDR without host bits, of `via`'s family.
    pub(crate) fn parse(dest: &str, via: IpAddr) -> Result<Route, String> {
        let dest = Dest::parse(dest)?;
        if let Dest::Cidr(cidr) = dest {
            if cidr.addr.is_ipv4() != via.is_ipv4() {
                return Err(format!(
                    "`{cidr}` and the gateway `{via}` are of different address families"
                ));
            }
        }
        Ok(Route {
            dest: dest.cidr(),
            via,
        })
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dest {
            Some(dest) => write!(f, "{dest} via {}", self.via),
            None => write!(f, "default via {}", self.via),
        }
    }
}

/// A route's destination as written: `default` or a CIDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dest {
    /// `default`: of the gateway's family when adding, of both families
    /// when deleting.
    Default,
    /// A prefix, host bits clear.
    Cidr(Cidr),
}

impl Dest {
    /// Parses `default` or a CIDR such as `10.1.0.0/16` or `fd01::/64`.
    pub(crate) fn parse(text: &str) -> Result<Dest, String> {
        if text == "default" {
            return Ok(Dest::Default);
        }
        let cidr = Cidr::from_str(text).map_err(|e| {
            format!("`{text}` is not `default` or a prefix such as `10.1.0.0/16`: {e}")
        })?;
        let network = cidr.network().addr;
        if network != cidr.addr {
            return Err(format!(
                "`{cidr}` has host bits set: write `{network}/{}`",
                cidr.prefix
            ));
        }
        Ok(Dest::Cidr(cidr))
    }

    /// The prefix, `None` for `default`.
    pub(crate) fn cidr(self) -> Option<Cidr> {
        match self {
            Dest::Default => None,
            Dest::Cidr(cidr) => Some(cidr),
        }
    }
}

#[cfg(test)]
mod routes_should {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn read_default_and_prefixes_as_the_route_statement_does() {
        assert_eq!(
            Route::parse("default", ip("10.0.0.1")),
            Ok(Route {
                dest: None,
                via: ip("10.0.0.1")
            })
        );
        let route = Route::parse("fd01::/64", ip("fd00::1")).unwrap();
        assert_eq!(route.to_string(), "fd01::/64 via fd00::1");
    }

    #[test]
    fn refuse_host_bits_mixed_families_and_junk_saying_why() {
        assert_eq!(
            Route::parse("10.1.0.7/16", ip("10.0.0.1")),
            Err("`10.1.0.7/16` has host bits set: write `10.1.0.0/16`".into())
        );
        assert_eq!(
            Route::parse("fd01::/64", ip("10.0.0.1")),
            Err("`fd01::/64` and the gateway `10.0.0.1` are of different address families".into())
        );
        let err = Route::parse("somewhere", ip("10.0.0.1")).unwrap_err();
        assert!(
            err.starts_with("`somewhere` is not `default` or a prefix"),
            "{err}"
        );
    }

    #[test]
    fn take_a_zero_prefix_as_a_whole_family() {
        assert_eq!(
            Dest::parse("0.0.0.0/0").map(Dest::cidr),
            Ok(Some(Cidr {
                addr: ip("0.0.0.0"),
                prefix: 0
            }))
        );
    }
}
