//! The raw-netlink floor: the work of the "tcp pair" workload with no
//! harness. In a forked child: a user and a network namespace (id maps
//! written), a second network namespace, the veth pair created with each
//! end in place, addresses, links up, a wait for operstate `UP` on both
//! ends, then a TCP connect and one byte each way. What a test framework
//! cannot do faster; the ratio of "tcp pair" to this is its overhead.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::AsFd;

use nix::sched::{setns, unshare, CloneFlags};

use crate::rtnl::{new_address, new_veth, set_up, Rtnl};

/// `lo` is index 1 in every namespace.
const LOOPBACK: u32 = 1;
/// The ends' interface indices, chosen so nothing is looked up. Distinct, so
/// that the kernel treats each end's carrier change as urgent (a veth whose
/// index equals its peer's would wait for the linkwatch timer).
const A_INDEX: u32 = 1000;
const B_INDEX: u32 = 1001;
const A_ADDR: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B_ADDR: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const PORT: u16 = 7000;

/// Who we are outside the user namespace, read before forking (inside,
/// before the maps are written, we would read the overflow id).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    uid: u32,
    gid: u32,
}

impl Ids {
    pub(crate) fn current() -> Ids {
        Ids {
            uid: nix::unistd::getuid().as_raw(),
            gid: nix::unistd::getgid().as_raw(),
        }
    }
}

/// One run: must be called in a fresh, single-threaded child, which it
/// moves into namespaces of its own (they die with it).
pub(crate) fn tcp_pair(ids: Ids) -> Result<(), String> {
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET)
        .map_err(|e| format!("unshare(CLONE_NEWUSER | CLONE_NEWNET): {e}"))?;
    for (file, text) in [
        ("/proc/self/setgroups", "deny".to_string()),
        ("/proc/self/uid_map", format!("0 {} 1", ids.uid)),
        ("/proc/self/gid_map", format!("0 {} 1", ids.gid)),
    ] {
        fs::write(file, text).map_err(|e| format!("writing {file}: {e}"))?;
    }
    let ns_a =
        File::open("/proc/self/ns/net").map_err(|e| format!("opening node a's netns: {e}"))?;
    let mut a = Rtnl::open().map_err(|e| e.to_string())?;

    unshare(CloneFlags::CLONE_NEWNET).map_err(|e| format!("unshare(CLONE_NEWNET): {e}"))?;
    let ns_b =
        File::open("/proc/self/ns/net").map_err(|e| format!("opening node b's netns: {e}"))?;
    let mut b = Rtnl::open().map_err(|e| e.to_string())?;

    a.apply(
        "node a: veth, address, links up",
        vec![
            new_veth(A_INDEX, "eth0", B_INDEX, "eth0", ns_b.as_fd()),
            new_address(A_INDEX, A_ADDR, 24),
            set_up(LOOPBACK),
        ],
    )
    .map_err(|e| e.to_string())?;
    b.apply(
        "node b: address, links up",
        vec![
            new_address(B_INDEX, B_ADDR, 24),
            set_up(B_INDEX),
            set_up(LOOPBACK),
        ],
    )
    .map_err(|e| e.to_string())?;
    a.wait_up(A_INDEX).map_err(|e| format!("node a: {e}"))?;
    b.wait_up(B_INDEX).map_err(|e| format!("node b: {e}"))?;

    // Still in b's namespace: listen there, then connect from a's.
    let listener = TcpListener::bind((B_ADDR, PORT)).map_err(|e| format!("bind in b: {e}"))?;
    setns(ns_a.as_fd(), CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns to a: {e}"))?;
    let mut client =
        TcpStream::connect((B_ADDR, PORT)).map_err(|e| format!("connect from a: {e}"))?;
    let (mut server, _) = listener.accept().map_err(|e| format!("accept in b: {e}"))?;
    exchange_a_byte(&mut client, &mut server)
}

/// One byte each way, as the workloads' TCP bodies do.
pub(crate) fn exchange_a_byte(
    client: &mut TcpStream,
    server: &mut TcpStream,
) -> Result<(), String> {
    let mut byte = [0u8; 1];
    client
        .write_all(b"?")
        .map_err(|e| format!("client write: {e}"))?;
    server
        .read_exact(&mut byte)
        .map_err(|e| format!("server read: {e}"))?;
    server
        .write_all(b"!")
        .map_err(|e| format!("server write: {e}"))?;
    client
        .read_exact(&mut byte)
        .map_err(|e| format!("client read: {e}"))?;
    if &byte != b"!" {
        return Err(format!("client read {byte:?}, not \"!\""));
    }
    Ok(())
}
