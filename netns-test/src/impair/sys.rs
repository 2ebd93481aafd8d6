//! The raw syscalls of the impairment path: `AF_PACKET` sockets bound to
//! one interface, and the ethtool ioctls that turn an interface's
//! offloads off and back on.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

/// `ETH_P_ALL`.
const ETH_P_ALL: u16 = 0x0003;
/// `SIOCETHTOOL`.
const SIOCETHTOOL: libc::c_ulong = 0x8946;
/// `ETHTOOL_STXCSUM`: transmit checksum offload.
const ETHTOOL_STXCSUM: u32 = 0x17;
/// `ETHTOOL_STSO`: TCP segmentation offload.
const ETHTOOL_STSO: u32 = 0x1f;
/// `ETHTOOL_SGSO`: generic segmentation offload.
const ETHTOOL_SGSO: u32 = 0x24;

/// An `AF_PACKET` socket bound to interface `ifindex` of the calling
/// thread's namespace. With `receive`, it gets every frame the interface
/// receives; without, it only sends (protocol 0: nothing is delivered to it).
pub(crate) fn packet_socket(ifindex: u32, receive: bool) -> io::Result<OwnedFd> {
    let protocol = if receive { ETH_P_ALL.to_be() } else { 0 };
    // SAFETY: socket(2) with constant arguments; the descriptor it returns
    // is owned by the `OwnedFd` made below and nothing else.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            i32::from(protocol),
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: a zeroed `sockaddr_ll` is a valid value of that plain C struct.
    let mut addr: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    addr.sll_family = libc::AF_PACKET as u16;
    addr.sll_protocol = protocol;
    addr.sll_ifindex = ifindex as i32;
    // SAFETY: bind(2) reads `size_of::<sockaddr_ll>()` bytes of `addr`, a
    // local that outlives the call.
    let rc = unsafe {
        libc::bind(
            socket.as_raw_fd(),
            (&addr as *const libc::sockaddr_ll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    if receive {
        // Bursts wait here while the forwarder is busy; best effort.
        let _ =
            nix::sys::socket::setsockopt(&socket, nix::sys::socket::sockopt::RcvBuf, &(4 << 20));
    }
    Ok(socket)
}

/// Receives one frame without blocking: `None` when there is none.
pub(crate) fn recv_frame(socket: impl AsFd, buf: &mut [u8]) -> io::Result<Option<usize>> {
    loop {
        match nix::sys::socket::recv(
            socket.as_fd().as_raw_fd(),
            buf,
            nix::sys::socket::MsgFlags::MSG_DONTWAIT,
        ) {
            Ok(n) => return Ok(Some(n)),
            Err(nix::errno::Errno::EAGAIN) => return Ok(None),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Sends one frame out of the socket's interface.
pub(crate) fn send_frame(socket: impl AsFd, frame: &[u8]) -> io::Result<()> {
    loop {
        match nix::sys::socket::send(
            socket.as_fd().as_raw_fd(),
            frame,
            nix::sys::socket::MsgFlags::empty(),
        ) {
            Ok(_) => return Ok(()),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Turns off the offloads of interface `ifname` (in the calling thread's
/// namespace) that a packet socket cannot pass on: a packet socket reads
/// frames as they are (with checksums left to the device, or as 64 KiB
/// segments to be cut later) and sends them as they are. Without them the
/// kernel completes each frame in software before the interface.
pub(crate) fn disable_offloads(ifname: &str) -> io::Result<()> {
    let socket = control_socket()?;
    // Segmentation first: TCP segmentation needs checksum offload.
    for cmd in [ETHTOOL_SGSO, ETHTOOL_STSO, ETHTOOL_STXCSUM] {
        ethtool(&socket, ifname, cmd, 0)?;
    }
    Ok(())
}

fn control_socket() -> io::Result<OwnedFd> {
    Ok(nix::sys::socket::socket(
        nix::sys::socket::AddressFamily::Inet,
        nix::sys::socket::SockType::Datagram,
        nix::sys::socket::SockFlag::SOCK_CLOEXEC,
        None,
    )?)
}

/// `struct ethtool_value`.
#[repr(C)]
struct EthtoolValue {
    cmd: u32,
    data: u32,
}

/// One `SIOCETHTOOL` ioctl with a `struct ethtool_value`; returns its data.
fn ethtool(socket: &OwnedFd, ifname: &str, cmd: u32, data: u32) -> io::Result<u32> {
    let name = ifname.as_bytes();
    if name.len() >= libc::IFNAMSIZ {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("interface name `{ifname}` is too long"),
        ));
    }
    let mut value = EthtoolValue { cmd, data };
    // SAFETY: a zeroed `ifreq` is a valid value of that plain C struct.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(name) {
        *dst = *src as libc::c_char;
    }
    ifr.ifr_ifru.ifru_data = (&mut value as *mut EthtoolValue).cast();
    // SAFETY: SIOCETHTOOL reads `ifr` and reads and writes the
    // `ethtool_value` it points to; both are locals that outlive the call.
    let rc = unsafe { libc::ioctl(socket.as_raw_fd(), SIOCETHTOOL, &mut ifr) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(value.data)
}
