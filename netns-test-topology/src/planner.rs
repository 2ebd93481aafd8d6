//! The model to the [`Plan`]: namespace ids, automatic interface names and
//! bridge port names, forwarding sysctls. It cannot fail: validation has
//! checked every rule, and automatic names skip every name in use.

use std::collections::HashSet;

use crate::model::{Attach, End, Model};
use crate::names::MAX_IFNAME;
use crate::plan::{
    BridgePlan, ForwardPlan, NamespacePlan, NatPlan, NsId, NsKind, Plan, RoutePlan, SysctlPlan,
    VethEnd, VethPlan,
};
use crate::special::is_link_local;

/// The sysctls that make a router forward, in this order.
pub(crate) const FORWARDING: [&str; 2] = ["net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"];

pub(crate) fn plan(model: Model) -> Plan {
    let links = links(&model);
    let routers = model
        .namespaces
        .iter()
        .enumerate()
        .filter(|(_, ns)| ns.kind == NsKind::Router)
        .flat_map(|(i, _)| FORWARDING.map(|key| forwarding(NsId(i), key)));
    let translators = (0..model.namespaces.len())
        .map(NsId)
        .filter(|&ns| model.namespaces.get(ns.0).map(|n| n.kind) != Some(NsKind::Router))
        .flat_map(|ns| translator_forwarding(ns, &model, &links));
    let sysctls = routers
        .chain(translators)
        .chain(model.sysctls.iter().map(|s| SysctlPlan {
            ns: s.ns,
            key: s.key.clone(),
            value: s.value.clone(),
        }))
        .collect();
    Plan {
        namespaces: model
            .namespaces
            .iter()
            .map(|ns| NamespacePlan {
                name: ns.name.clone(),
                kind: ns.kind,
            })
            .collect(),
        bridges: model
            .bridges
            .iter()
            .map(|b| BridgePlan {
                name: b.name.clone(),
                addrs: b.addrs.clone(),
            })
            .collect(),
        links,
        routes: model
            .routes
            .iter()
            .map(|r| RoutePlan {
                ns: r.ns,
                dest: r.dest,
                via: r.via,
            })
            .collect(),
        sysctls,
        nats: model
            .nats
            .iter()
            .map(|n| NatPlan {
                ns: n.ns,
                ifname: n.ifname.clone(),
                random: n.random,
            })
            .collect(),
        forwards: model
            .forwards
            .iter()
            .map(|f| ForwardPlan {
                ns: f.ns,
                ifname: f.ifname.clone(),
                protocol: f.protocol,
                port: f.port,
                to: f.to,
            })
            .collect(),
    }
}

/// The veth pairs with their final interface names. Validation asks for
/// them too, to check the interface a `nat` or `forward` names against the
/// names the planner will give.
pub(crate) fn links(model: &Model) -> Vec<VethPlan> {
    let mut names = Names::new(model);
    model
        .links
        .iter()
        .map(|link| {
            let a = names.end(&link.a, model);
            let b = names.end(&link.b, model);
            VethPlan {
                a,
                b,
                mtu: link.mtu,
                impairment: link.impairment,
            }
        })
        .collect()
}

/// `KEY=1` in `ns`.
fn forwarding(ns: NsId, key: &str) -> SysctlPlan {
    SysctlPlan {
        ns,
        key: key.to_owned(),
        value: "1".to_owned(),
    }
}

/// The forwarding sysctls a namespace with a `nat` or `forward` needs:
/// IPv4 always, IPv6 when a `nat` goes out of an interface with an IPv6
/// address (link-local ones aside) or a `forward` goes to an IPv6 target.
fn translator_forwarding(ns: NsId, model: &Model, links: &[VethPlan]) -> Vec<SysctlPlan> {
    let nats = model.nats.iter().filter(|n| n.ns == ns);
    let forwards = model.forwards.iter().filter(|f| f.ns == ns);
    if nats.clone().next().is_none() && forwards.clone().next().is_none() {
        return Vec::new();
    }
    let ipv6 = forwards.clone().any(|f| f.to.is_ipv6())
        || nats.clone().any(|n| {
            interface_addrs(ns, &n.ifname, model, links)
                .any(|a| a.addr.is_ipv6() && !is_link_local(a.addr))
        });
    let [ipv4_key, ipv6_key] = FORWARDING;
    let mut sysctls = vec![forwarding(ns, ipv4_key)];
    if ipv6 {
        sysctls.push(forwarding(ns, ipv6_key));
    }
    sysctls
}

/// The addresses of the interface `ifname` of `ns`: a veth end, or in the
/// host a bridge.
fn interface_addrs<'m>(
    ns: NsId,
    ifname: &'m str,
    model: &'m Model,
    links: &'m [VethPlan],
) -> impl Iterator<Item = &'m crate::plan::Cidr> + Clone + 'm {
    let ends = links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .filter(move |e| e.ns == ns && e.ifname == ifname)
        .flat_map(|e| &e.addrs);
    let bridges = model
        .bridges
        .iter()
        .filter(move |b| ns == NsId::HOST && b.name == ifname)
        .flat_map(|b| &b.addrs);
    ends.chain(bridges)
}

/// Interface names in use per namespace, and the counters of the automatic
/// naming schemes.
struct Names {
    /// Per namespace: every name taken so far, written or assigned.
    taken: Vec<HashSet<String>>,
    /// Per namespace: the next `ethN` to try.
    next_eth: Vec<u64>,
    /// Per bridge: how many ports it has so far.
    ports: Vec<u64>,
}

impl Names {
    /// Reserves `lo`, bridge names and every name written, before any
    /// automatic name is given.
    fn new(model: &Model) -> Names {
        let count = model.namespaces.len().max(1);
        let mut taken = vec![HashSet::from(["lo".to_owned()]); count];
        if let Some(host) = taken.first_mut() {
            host.extend(model.bridges.iter().map(|b| b.name.clone()));
        }
        for end in model.links.iter().flat_map(|l| [&l.a, &l.b]) {
            if let Some(name) = &end.ifname {
                let ns = match end.attach {
                    Attach::Namespace(ns) => ns.0,
                    Attach::Bridge(_) => 0,
                };
                if let Some(set) = taken.get_mut(ns) {
                    set.insert(name.clone());
                }
            }
        }
        Names {
            taken,
            next_eth: vec![0; count],
            ports: vec![0; model.bridges.len()],
        }
    }

    fn end(&mut self, end: &End, model: &Model) -> VethEnd {
        match end.attach {
            Attach::Namespace(ns) => {
                let ifname = end.ifname.clone().unwrap_or_else(|| self.eth(ns));
                VethEnd {
                    ns,
                    ifname,
                    bridge: None,
                    addrs: end.addrs.clone(),
                }
            }
            Attach::Bridge(bridge) => {
                let index = self.ports.get(bridge).copied().unwrap_or(0);
                if let Some(count) = self.ports.get_mut(bridge) {
                    *count += 1;
                }
                let ifname = end.ifname.clone().unwrap_or_else(|| {
                    let bridge_name = model.bridges.get(bridge).map_or("br", |b| b.name.as_str());
                    self.port(bridge_name, index)
                });
                VethEnd {
                    ns: NsId::HOST,
                    ifname,
                    bridge: Some(bridge),
                    addrs: Vec::new(),
                }
            }
        }
    }

    /// The first free `ethN` of `ns`, N counting up from where it stopped.
    fn eth(&mut self, ns: NsId) -> String {
        let (Some(next), Some(taken)) = (self.next_eth.get_mut(ns.0), self.taken.get_mut(ns.0))
        else {
            return "eth0".to_owned();
        };
        loop {
            let name = format!("eth{next}");
            *next += 1;
            if taken.insert(name.clone()) {
                return name;
            }
        }
    }

    /// `<bridge>-p<N>`, N being the port's index on the bridge, or the next
    /// number up whose name is free in the host; the bridge part is cut so the
    /// whole stays within 15 bytes.
    fn port(&mut self, bridge: &str, index: u64) -> String {
        let Some(taken) = self.taken.get_mut(0) else {
            return port_name(bridge, index);
        };
        (index..)
            .map(|n| port_name(bridge, n))
            .find(|name| taken.insert(name.clone()))
            .unwrap_or_else(|| port_name(bridge, index))
    }
}

/// `<bridge>-p<n>`, the bridge part cut to keep the whole within 15 bytes.
fn port_name(bridge: &str, n: u64) -> String {
    let suffix = format!("-p{n}");
    let mut keep = MAX_IFNAME.saturating_sub(suffix.len()).min(bridge.len());
    while !bridge.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{suffix}", &bridge[..keep])
}

#[cfg(test)]
mod port_name_should {
    use super::port_name;

    #[test]
    fn append_the_port_number() {
        assert_eq!(port_name("testbr", 0), "testbr-p0");
        assert_eq!(port_name("testbr", 12), "testbr-p12");
    }

    #[test]
    fn cut_the_bridge_name_to_stay_within_15_bytes() {
        assert_eq!(port_name("abcdefghijklmno", 0), "abcdefghijkl-p0");
        assert_eq!(port_name("abcdefghijklmno", 10), "abcdefghijk-p10");
        assert_eq!(port_name("abcdefghijklmno", 10).len(), 15);
    }
}
