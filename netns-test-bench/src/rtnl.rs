//! The least rtnetlink the floor needs: one socket per namespace, requests
//! sent in one datagram and acknowledged one by one, and a wait for a link's
//! operstate to be `UP` (the kernel's answer to `RTM_GETLINK`, then link
//! notifications). Independent of netns-test's own netlink layer on purpose:
//! the floor must not inherit its costs.

use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, BorrowedFd};

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL,
    NLM_F_REQUEST,
};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, State,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};

/// `RTMGRP_LINK`: the multicast group of link notifications (a bit mask).
const RTMGRP_LINK: u32 = 1;

/// A netlink failure: which step, and the errno the kernel gave.
#[derive(Debug)]
pub(crate) struct RtnlError {
    pub(crate) step: &'static str,
    pub(crate) source: io::Error,
}

impl std::fmt::Display for RtnlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.step, self.source)
    }
}

impl std::error::Error for RtnlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn failed(step: &'static str) -> impl FnOnce(io::Error) -> RtnlError {
    move |source| RtnlError { step, source }
}

/// An rtnetlink socket bound to the network namespace the process was in
/// when it was opened, subscribed to link notifications.
pub(crate) struct Rtnl {
    socket: Socket,
    seq: u32,
    rx: Vec<u8>,
}

impl Rtnl {
    /// Opens a socket in the current network namespace.
    pub(crate) fn open() -> Result<Rtnl, RtnlError> {
        let mut socket = Socket::new(NETLINK_ROUTE).map_err(failed("opening rtnetlink"))?;
        socket
            .bind(&SocketAddr::new(0, RTMGRP_LINK))
            .map_err(failed("binding rtnetlink"))?;
        Ok(Rtnl {
            socket,
            seq: 0,
            rx: vec![0; 32 * 1024],
        })
    }

    /// Sends `requests` in one datagram (the kernel handles them in order)
    /// and reads an ack for each; the first error is returned with `step`.
    pub(crate) fn apply(
        &mut self,
        step: &'static str,
        requests: Vec<RouteNetlinkMessage>,
    ) -> Result<(), RtnlError> {
        let first = self.seq + 1;
        let mut out = Vec::new();
        for request in requests {
            let flags = match request {
                RouteNetlinkMessage::NewLink(_) | RouteNetlinkMessage::NewAddress(_) => {
                    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
                }
                _ => NLM_F_REQUEST | NLM_F_ACK,
            };
            self.push(&mut out, request, flags);
        }
        self.socket.send(&out, 0).map_err(failed(step))?;
        let mut acked = first;
        while acked <= self.seq {
            let n = self.recv(step)?;
            let mut at = 0;
            while let Some((message, len)) = parse(&self.rx[at..n]) {
                at += len;
                if let NetlinkPayload::Error(e) = message.payload {
                    if message.header.sequence_number < first {
                        continue;
                    }
                    if e.code.is_some() {
                        return Err(RtnlError {
                            step,
                            source: e.to_io(),
                        });
                    }
                    acked += 1;
                }
            }
        }
        Ok(())
    }

    /// Returns once link `index` has operstate `UP`: asks with
    /// `RTM_GETLINK`, then reads link notifications (the socket joined
    /// their group when it was opened, before the link existed).
    pub(crate) fn wait_up(&mut self, index: u32) -> Result<(), RtnlError> {
        let step = "waiting for operstate UP";
        let mut get = LinkMessage::default();
        get.header.index = index;
        let mut out = Vec::new();
        self.push(&mut out, RouteNetlinkMessage::GetLink(get), NLM_F_REQUEST);
        self.socket.send(&out, 0).map_err(failed(step))?;
        loop {
            let n = self.recv(step)?;
            let mut at = 0;
            while let Some((message, len)) = parse(&self.rx[at..n]) {
                at += len;
                match message.payload {
                    NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(link))
                        if link.header.index == index && is_up(&link) =>
                    {
                        return Ok(());
                    }
                    NetlinkPayload::Error(e) if e.code.is_some() => {
                        return Err(RtnlError {
                            step,
                            source: e.to_io(),
                        });
                    }
                    _ => {}
                }
            }
        }
    }

    fn push(&mut self, out: &mut Vec<u8>, request: RouteNetlinkMessage, flags: u16) {
        self.seq += 1;
        let mut header = NetlinkHeader::default();
        header.flags = flags;
        header.sequence_number = self.seq;
        let mut message = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(request));
        message.finalize();
        let start = out.len();
        out.resize(start + message.buffer_len(), 0);
        message.serialize(&mut out[start..]);
    }

    fn recv(&mut self, step: &'static str) -> Result<usize, RtnlError> {
        let mut buf = &mut self.rx[..];
        self.socket.recv(&mut buf, 0).map_err(failed(step))
    }
}

/// The first message of `bytes` and its aligned length, if it parses.
fn parse(bytes: &[u8]) -> Option<(NetlinkMessage<RouteNetlinkMessage>, usize)> {
    if bytes.len() < 16 {
        return None;
    }
    let len = u32::from_ne_bytes(bytes[..4].try_into().ok()?) as usize;
    if len < 16 || len > bytes.len() {
        return None;
    }
    let message = NetlinkMessage::deserialize(&bytes[..len]).ok()?;
    Some((message, (len + 3) & !3))
}

fn is_up(link: &LinkMessage) -> bool {
    link.attributes
        .iter()
        .any(|a| matches!(a, LinkAttribute::OperState(State::Up)))
}

/// `RTM_NEWLINK`: a veth pair, this end `index` named `name` and created
/// up; the peer `peer_index` named `peer_name`, created in the namespace
/// `peer_ns` (down: the kernel refuses a peer created up).
pub(crate) fn new_veth(
    index: u32,
    name: &str,
    peer_index: u32,
    peer_name: &str,
    peer_ns: BorrowedFd<'_>,
) -> RouteNetlinkMessage {
    let mut peer = LinkMessage::default();
    peer.header.index = peer_index;
    peer.attributes = vec![
        LinkAttribute::IfName(peer_name.to_string()),
        LinkAttribute::NetNsFd(peer_ns.as_raw_fd()),
    ];
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.flags = LinkFlags::Up;
    msg.header.change_mask = LinkFlags::Up;
    msg.attributes = vec![
        LinkAttribute::IfName(name.to_string()),
        LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Veth),
            LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer))),
        ]),
    ];
    RouteNetlinkMessage::NewLink(msg)
}

/// `RTM_SETLINK`: link `index` up.
pub(crate) fn set_up(index: u32) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.flags = LinkFlags::Up;
    msg.header.change_mask = LinkFlags::Up;
    RouteNetlinkMessage::SetLink(msg)
}

/// `RTM_NEWADDR`: `addr/prefix` on link `index`.
pub(crate) fn new_address(index: u32, addr: Ipv4Addr, prefix: u8) -> RouteNetlinkMessage {
    let mut msg = AddressMessage::default();
    msg.header.family = AddressFamily::Inet;
    msg.header.index = index;
    msg.header.prefix_len = prefix;
    msg.attributes = vec![
        AddressAttribute::Local(addr.into()),
        AddressAttribute::Address(addr.into()),
    ];
    RouteNetlinkMessage::NewAddress(msg)
}
