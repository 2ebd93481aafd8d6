//! The socket-diagnostics layer (`NETLINK_SOCK_DIAG`): reads the TCP and
//! UDP sockets of a namespace, as `ss -tuan` shows them, for failure
//! reports. A second netlink family beside `netlink/`, of the same
//! shape: the socket, one file per object family, the error.

mod error;
mod inet;
mod socket;

// Reports reach errors through `SocketDump`; their tests build some.
pub(crate) use inet::{read_sockets, SocketDump, SocketStatus};
#[cfg(test)]
pub(crate) use {error::DiagError, inet::Protocol};
