//! Traffic control over rtnetlink: a `clsact` qdisc on an interface and a
//! match-all `u32` filter whose `mirred` action redirects every frame to
//! another interface of the same namespace. This is how an impaired
//! interface hands its frames to the impairment path (see `impair`).

use netlink_packet_route::tc::{
    TcAction, TcActionAttribute, TcActionMirrorOption, TcActionOption, TcActionType, TcAttribute,
    TcFilterU32Option, TcHandle, TcHeader, TcMessage, TcMirror, TcMirrorActionType, TcOption,
    TcU32Key, TcU32Selector, TcU32SelectorFlags,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

/// `ETH_P_ALL`: every protocol.
const ETH_P_ALL: u16 = 0x0003;
/// The filter's priority (any: it is the only one).
const PRIORITY: u32 = 1;

/// Where a filter of a `clsact` qdisc sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hook {
    /// Frames the interface receives.
    Ingress,
    /// Frames the interface sends.
    Egress,
}

/// `RTM_NEWQDISC` of a `clsact` qdisc on interface `index`: the hooks for
/// ingress and egress filters, without queueing anything.
pub(crate) fn new_clsact(index: u32) -> RouteNetlinkMessage {
    RouteNetlinkMessage::NewQueueDiscipline(clsact(index))
}

/// `RTM_DELQDISC` of the `clsact` qdisc of interface `index`, with its
/// filters.
pub(crate) fn del_clsact(index: u32) -> RouteNetlinkMessage {
    RouteNetlinkMessage::DelQueueDiscipline(clsact(index))
}

fn clsact(index: u32) -> TcMessage {
    let header = TcHeader {
        family: AddressFamily::Unspec,
        index: index as i32,
        handle: TcHandle {
            major: TcHandle::INGRESS.major,
            minor: 0,
        },
        parent: TcHandle::CLSACT,
        info: 0,
    };
    TcMessage::from_parts(header, vec![TcAttribute::Kind("clsact".into())])
}

/// `RTM_NEWTFILTER`: on `hook` of interface `index` (which has a `clsact`
/// qdisc), every frame is taken away and redirected to interface `to`:
/// sent from it (`to_ingress: false`) or received by it (`true`).
pub(crate) fn redirect_all(
    index: u32,
    hook: Hook,
    to: u32,
    to_ingress: bool,
) -> RouteNetlinkMessage {
    let minor = match hook {
        Hook::Ingress => TcHandle::MIN_INGRESS,
        Hook::Egress => TcHandle::MIN_EGRESS,
    };
    let header = TcHeader {
        family: AddressFamily::Unspec,
        index: index as i32,
        handle: TcHandle::UNSPEC,
        parent: TcHandle {
            major: TcHandle::CLSACT.major,
            minor,
        },
        // Priority in the high half, the protocol (network order) in the low.
        info: PRIORITY << 16 | u32::from(ETH_P_ALL.to_be()),
    };
    // One key that every frame matches: 0 under mask 0.
    let mut key = TcU32Key::default();
    key.mask = 0;
    key.val = 0;
    let mut selector = TcU32Selector::default();
    selector.flags = TcU32SelectorFlags::Terminal;
    selector.nkeys = 1;
    selector.keys = vec![key];
    let mut mirror = TcMirror::default();
    // The frame is consumed: nothing goes on the original path.
    mirror.generic.action = TcActionType::Stolen;
    mirror.eaction = if to_ingress {
        TcMirrorActionType::IngressRedir
    } else {
        TcMirrorActionType::EgressRedir
    };
    mirror.ifindex = to;
    let mut action = TcAction::default();
    action.tab = 1;
    action.attributes = vec![
        TcActionAttribute::Kind("mirred".into()),
        TcActionAttribute::Options(vec![TcActionOption::Mirror(TcActionMirrorOption::Parms(
            mirror,
        ))]),
    ];
    RouteNetlinkMessage::NewTrafficFilter(TcMessage::from_parts(
        header,
        vec![
            TcAttribute::Kind("u32".into()),
            TcAttribute::Options(vec![
                TcOption::U32(TcFilterU32Option::Selector(selector)),
                TcOption::U32(TcFilterU32Option::Action(vec![action])),
            ]),
        ],
    ))
}
