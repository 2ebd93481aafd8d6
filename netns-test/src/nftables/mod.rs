//! The nf_tables layer (`NETLINK_NETFILTER`, subsystem nf_tables): the
//! table, chains and rules that carry a namespace's `nat` and `forward`
//! statements, and the tables of [`Net::partition`](crate::Net::partition). A third netlink family beside `netlink/` and `sock_diag/`,
//! of the same shape: the socket, the messages (attributes, then one file
//! per object kind: the ruleset's table, chains and rules, and the rules'
//! expressions), the error.
//!
//! Each namespace with a `nat` or `forward` gets one table, `inet
//! netns-test`, made at setup in one batch that the kernel commits as a
//! whole before it acks: when [`apply`] returns, the rules are in effect
//! for the next packet.
//!
//! ```text
//! table inet netns-test {
//!     chain prerouting {           # only with a `forward`
//!         type nat hook prerouting priority dstnat
//!         iifname IFNAME meta l4proto tcp|udp th dport PORT dnat ip|ip6 to ADDR:PORT
//!     }
//!     chain postrouting {          # only with a `nat`
//!         type nat hook postrouting priority srcnat
//!         oifname IFNAME masquerade [fully-random]
//!     }
//! }
//! ```

mod attr;
mod error;
mod expr;
mod message;
mod partition;
mod ruleset;
mod socket;

pub(crate) use partition::{heal, partition};
pub(crate) use ruleset::apply;
