//! Every address in a topology is used once.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Validator;
use crate::ast::Addrs;
use crate::error::Error;
use crate::span::Span;

impl Validator<'_> {
    /// Records addresses for the uniqueness check.
    pub(super) fn note_addresses(&mut self, addrs: &Addrs) {
        self.addresses.extend(addrs.list.iter().copied());
    }

    /// Reports each address written a second time (the prefix length does
    /// not matter: `10.0.0.1/24` and `10.0.0.1/16` are the same address).
    pub(super) fn check_unique_addresses(&mut self) {
        let mut addresses = std::mem::take(&mut self.addresses);
        addresses.sort_by_key(|a| a.span.start);
        let mut seen: HashMap<IpAddr, Span> = HashMap::new();
        for addr in addresses {
            let ip = addr.cidr.addr;
            match seen.get(&ip).copied() {
                None => {
                    seen.insert(ip, addr.span);
                }
                Some(first) => {
                    let label = format!("already used at {}", self.at(first));
                    self.error(
                        Error::new(addr.span, format!("address `{ip}` is used twice"), label)
                            .help("every address in a topology must be unique; pick another one"),
                    );
                }
            }
        }
    }
}
