//! The capturing thread: one `AF_PACKET` socket per namespace, opened
//! inside it before its first link exists, so every frame of every
//! interface, both ways, is seen from the start.
#![allow(unsafe_code)]

use std::io;
use std::io::IoSliceMut;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{
    recvmsg, setsockopt, socket, sockopt, AddressFamily, ControlMessageOwned, LinkAddr, MsgFlags,
    SockFlag, SockProtocol, SockType,
};

use super::store::{Record, Store};
use crate::sandbox::ns;

/// `PACKET_OUTGOING`: a frame the interface sent.
const PACKET_OUTGOING: u8 = 4;
/// Receive buffer asked for: bursts wait here while the thread catches up.
const RCVBUF: usize = 4 << 20;

/// A running capture. Stops when dropped.
#[derive(Debug)]
pub(crate) struct Engine {
    stop: Option<OwnedFd>,
    thread: Option<JoinHandle<()>>,
}

impl Engine {
    /// Captures every frame of the namespaces `netns` (indexed as given)
    /// into `store`, each cut at `snaplen` bytes. Returns copies of the
    /// sockets too.
    pub(crate) fn start(
        netns: &[BorrowedFd<'_>],
        snaplen: usize,
        store: Arc<Mutex<Store>>,
    ) -> io::Result<(Engine, Vec<OwnedFd>)> {
        let sockets = netns
            .iter()
            .map(|fd| ns::run_in(*fd, "netns-test-capture", open)?)
            .collect::<io::Result<Vec<_>>>()?;
        let copies = sockets
            .iter()
            .map(OwnedFd::try_clone)
            .collect::<io::Result<Vec<_>>>()?;
        let (stop_rx, stop_tx) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let thread = std::thread::Builder::new()
            .name("netns-test-capture".into())
            .spawn(move || capture(&sockets, &stop_rx, snaplen, &store))?;
        Ok((
            Engine {
                stop: Some(stop_tx),
                thread: Some(thread),
            },
            copies,
        ))
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A packet socket for every interface of the calling thread's namespace,
/// with kernel timestamps. Not bound: it sees interfaces made later too.
fn open() -> io::Result<OwnedFd> {
    let socket = socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
        SockProtocol::EthAll,
    )?;
    setsockopt(&socket, sockopt::ReceiveTimestampns, &true)?;
    // Capped at net.core.rmem_max without privilege: best effort.
    let _ = setsockopt(&socket, sockopt::RcvBuf, &RCVBUF);
    Ok(socket)
}

fn capture(sockets: &[OwnedFd], stop: &OwnedFd, snaplen: usize, store: &Mutex<Store>) {
    let mut buf = vec![0u8; snaplen.max(64)];
    loop {
        let mut fds: Vec<PollFd<'_>> = sockets
            .iter()
            .map(|s| PollFd::new(s.as_fd(), PollFlags::POLLIN))
            .chain(std::iter::once(PollFd::new(
                stop.as_fd(),
                PollFlags::POLLIN,
            )))
            .collect();
        match nix::poll::poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return,
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        if ready.last().copied().unwrap_or(true) {
            // Frames already queued are still read, so the last ones the
            // body caused are in the file; then what the kernel dropped
            // because this thread fell behind.
            for (ns, socket) in sockets.iter().enumerate() {
                drain(ns, socket.as_fd(), &mut buf, store);
            }
            let lost: u64 = sockets.iter().filter_map(|s| kernel_drops(s.as_fd())).sum();
            store
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .lost_by_kernel(lost);
            return;
        }
        for (ns, socket) in sockets.iter().enumerate() {
            if ready.get(ns).copied().unwrap_or(false) {
                drain(ns, socket.as_fd(), &mut buf, store);
            }
        }
    }
}

/// Reads every frame waiting on `socket` (of namespace `ns`) into the
/// store.
pub(super) fn drain(ns: usize, socket: BorrowedFd<'_>, buf: &mut [u8], store: &Mutex<Store>) {
    // The store stays locked while the socket is read: a reader that finds
    // the socket empty (`Net::packets`) then knows that no frame read from
    // it is still on its way to the store.
    let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
    let mut cmsg = nix::cmsg_space!(nix::sys::time::TimeSpec);
    loop {
        let mut iov = [IoSliceMut::new(buf)];
        let msg = match recvmsg::<LinkAddr>(
            socket.as_raw_fd(),
            &mut iov,
            Some(&mut cmsg),
            MsgFlags::MSG_TRUNC | MsgFlags::MSG_DONTWAIT,
        ) {
            Ok(msg) => msg,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => break,
        };
        let len = msg.bytes;
        let time = msg
            .cmsgs()
            .ok()
            .and_then(|mut c| {
                c.find_map(|c| match c {
                    ControlMessageOwned::ScmTimestampns(ts) => Some(
                        SystemTime::UNIX_EPOCH
                            + Duration::new(ts.tv_sec() as u64, ts.tv_nsec() as u32),
                    ),
                    _ => None,
                })
            })
            .unwrap_or_else(SystemTime::now);
        let Some(addr) = msg.address else {
            continue;
        };
        let (ifindex, outgoing) = (addr.ifindex() as u32, addr.pkttype() == PACKET_OUTGOING);
        let kept = len.min(buf.len());
        store.push(Record {
            ns,
            ifindex,
            outgoing,
            time,
            data: buf[..kept].to_vec(),
            len: len as u32,
        });
    }
}

/// `PACKET_STATISTICS`: the frames `socket` dropped because its receive
/// buffer was full (the counters reset when read).
fn kernel_drops(socket: BorrowedFd<'_>) -> Option<u64> {
    let mut stats = libc::tpacket_stats {
        tp_packets: 0,
        tp_drops: 0,
    };
    let mut len = std::mem::size_of::<libc::tpacket_stats>() as libc::socklen_t;
    // SAFETY: getsockopt(2) writes at most `len` bytes into `stats`, a local
    // of that size, and the new length into `len`.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::SOL_PACKET,
            libc::PACKET_STATISTICS,
            (&mut stats as *mut libc::tpacket_stats).cast(),
            &mut len,
        )
    };
    (rc == 0).then(|| u64::from(stats.tp_drops))
}
