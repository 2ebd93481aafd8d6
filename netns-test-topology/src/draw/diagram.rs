//! What a picture of a topology shows, before any geometry: a box per
//! namespace and bridge with a row per interface, and a wire per link.

use std::fmt::Write;
use std::time::Duration;

use crate::plan::{ImpairmentPlan, NsKind, Plan, VethEnd, PPM_PER_PERCENT};

/// What a box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Host,
    Node,
    Router,
    Bridge,
}

/// A namespace or a bridge, with its rows of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// The name as written in the topology.
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// Below the title: interfaces, addresses, `nat` and `forward`.
    pub(crate) rows: Vec<Row>,
}

impl Block {
    /// The first line: the name, with the kind unless it is a plain node.
    pub(crate) fn title(&self) -> String {
        match self.kind {
            Kind::Node | Kind::Host => self.name.clone(),
            Kind::Router => format!("{} (router)", self.name),
            Kind::Bridge => format!("{} (bridge)", self.name),
        }
    }
}

/// One line inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) text: String,
    /// The interface the row is about, if any (a wire may end on it).
    pub(crate) ifname: Option<String>,
}

/// One end of a wire: a block and the row of its interface (`None`: the
/// block's title, for an anchor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Port {
    pub(crate) block: usize,
    pub(crate) row: Option<usize>,
}

/// A link (veth pair) between two blocks, or an anchor: the dotted line
/// that ties a bridge to the host namespace it lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wire {
    pub(crate) a: Port,
    pub(crate) b: Port,
    /// The link's options as the topology writes them (`mtu=9000
    /// delay=10ms`), if it has any.
    pub(crate) label: Option<String>,
    /// A bridge's tie to the host rather than a link.
    pub(crate) anchor: bool,
}

impl Wire {
    /// The interface names at the two ends (empty for an anchor's).
    pub(crate) fn ifnames<'d>(&self, d: &'d Diagram) -> (&'d str, &'d str) {
        let name = |p: Port| {
            p.row
                .and_then(|r| d.blocks[p.block].rows[r].ifname.as_deref())
                .unwrap_or_default()
        };
        (name(self.a), name(self.b))
    }
}

/// Blocks in order (host, nodes and routers as declared, then bridges) and
/// wires in the order of the links, then the bridges' anchors. The host is
/// left out when nothing is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagram {
    pub(crate) blocks: Vec<Block>,
    pub(crate) wires: Vec<Wire>,
}

impl Diagram {
    pub(crate) fn of(plan: &Plan) -> Diagram {
        let bridge_block = |i: usize| plan.namespaces.len() + i;
        let mut blocks: Vec<Block> = plan
            .namespaces
            .iter()
            .map(|ns| Block {
                name: ns.name.clone(),
                kind: match ns.kind {
                    NsKind::Host => Kind::Host,
                    NsKind::Node => Kind::Node,
                    NsKind::Router => Kind::Router,
                },
                rows: Vec::new(),
            })
            .collect();
        blocks.extend(plan.bridges.iter().map(|b| Block {
            name: b.name.clone(),
            kind: Kind::Bridge,
            rows: if b.addrs.is_empty() {
                Vec::new()
            } else {
                vec![Row {
                    text: join(b.addrs.iter()),
                    ifname: None,
                }]
            },
        }));
        let port = |end: &VethEnd, blocks: &mut Vec<Block>| {
            let block = end.bridge.map_or(end.ns.0, bridge_block);
            let mut text = end.ifname.clone();
            if !end.addrs.is_empty() {
                text.push(' ');
                text.push_str(&join(end.addrs.iter()));
            }
            let rows = &mut blocks[block].rows;
            rows.push(Row {
                text,
                ifname: Some(end.ifname.clone()),
            });
            // What the owner does on this interface, right below it.
            if end.bridge.is_none() {
                for nat in plan
                    .nats
                    .iter()
                    .filter(|n| n.ns == end.ns && n.ifname == end.ifname)
                {
                    rows.push(Row {
                        text: format!("  nat{}", if nat.random { " random" } else { "" }),
                        ifname: None,
                    });
                }
                for f in plan
                    .forwards
                    .iter()
                    .filter(|f| f.ns == end.ns && f.ifname == end.ifname)
                {
                    rows.push(Row {
                        text: format!("  forward {} {} to {}", f.protocol, f.port, f.to),
                        ifname: None,
                    });
                }
            }
            Port {
                block,
                row: Some(rows.len() - 1 - trailing_notes(rows)),
            }
        };
        let mut wires: Vec<Wire> = plan
            .links
            .iter()
            .map(|link| {
                let a = port(&link.a, &mut blocks);
                let b = port(&link.b, &mut blocks);
                Wire {
                    a,
                    b,
                    label: options(link.mtu, link.impairment.as_ref()),
                    anchor: false,
                }
            })
            .collect();
        wires.extend((0..plan.bridges.len()).map(|i| Wire {
            a: Port {
                block: 0,
                row: None,
            },
            b: Port {
                block: bridge_block(i),
                row: None,
            },
            label: None,
            anchor: true,
        }));
        let mut diagram = Diagram { blocks, wires };
        diagram.without_an_idle_host();
        diagram
    }

    /// Leaves the host out when nothing of the network is in it (no
    /// interface, no bridge) and it is not alone: a box with nothing to say.
    fn without_an_idle_host(&mut self) {
        let idle = self.blocks[0].rows.is_empty()
            && self.blocks.len() > 1
            && self.wires.iter().all(|w| w.a.block != 0 && w.b.block != 0);
        if !idle {
            return;
        }
        self.blocks.remove(0);
        for w in &mut self.wires {
            w.a.block -= 1;
            w.b.block -= 1;
        }
    }
}

/// How many rows at the end of `rows` are notes (`nat`, `forward`) under
/// the last interface.
fn trailing_notes(rows: &[Row]) -> usize {
    rows.iter().rev().take_while(|r| r.ifname.is_none()).count()
}

fn join<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(" ")
}

/// A link's options in the topology's own words, or `None` without any.
fn options(mtu: Option<u32>, impairment: Option<&ImpairmentPlan>) -> Option<String> {
    let mut out = Vec::new();
    if let Some(mtu) = mtu {
        out.push(format!("mtu={mtu}"));
    }
    if let Some(i) = impairment {
        for (key, d) in [("delay", i.delay), ("jitter", i.jitter)] {
            if !d.is_zero() {
                out.push(format!("{key}={}", duration(d)));
            }
        }
        for (key, ppm) in [
            ("loss", i.loss_ppm),
            ("duplicate", i.duplicate_ppm),
            ("reorder", i.reorder_ppm),
            ("corrupt", i.corrupt_ppm),
        ] {
            if ppm != 0 {
                out.push(format!("{key}={}", percent(ppm)));
            }
        }
        if let Some(rate) = i.rate {
            out.push(format!("rate={}", rate_text(rate)));
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// `10ms`, `1.5ms`, `250us`, `2s`: the largest unit that keeps it short.
fn duration(d: Duration) -> String {
    let us = d.as_micros();
    if us % 1_000_000 == 0 {
        format!("{}s", us / 1_000_000)
    } else if us >= 1000 {
        trimmed(us as f64 / 1000.0, "ms")
    } else {
        format!("{us}us")
    }
}

/// `1%`, `0.5%`.
fn percent(ppm: u32) -> String {
    trimmed(f64::from(ppm) / f64::from(PPM_PER_PERCENT), "%")
}

/// A rate in bits per second as `10mbit`, `1.5gbit`, `64kbit` or `500bit`.
fn rate_text(bits: u64) -> String {
    for (unit, size) in [("gbit", 1e9), ("mbit", 1e6), ("kbit", 1e3)] {
        if bits as f64 >= size {
            return trimmed(bits as f64 / size, unit);
        }
    }
    format!("{bits}bit")
}

/// `value` with at most four decimals and no trailing zeros, then `unit`.
fn trimmed(value: f64, unit: &str) -> String {
    let mut text = String::new();
    let _ = write!(text, "{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{unit}")
}

#[cfg(test)]
mod diagram_should {
    use super::*;
    use crate::Topology;

    fn diagram(text: &str) -> Diagram {
        Diagram::of(text.parse::<Topology>().unwrap().plan())
    }

    #[test]
    fn put_a_bridge_port_in_the_bridge_and_its_peer_in_the_node() {
        let d = diagram(
            "node ns1\nbridge testbr 10.0.0.1/24\nns1:eth0 10.0.0.100/24 -- testbr:ns1-nic",
        );
        let names: Vec<_> = d.blocks.iter().map(|b| b.title()).collect();
        assert_eq!(names, ["host", "ns1", "testbr (bridge)"]);
        assert_eq!(d.blocks[1].rows[0].text, "eth0 10.0.0.100/24");
        assert_eq!(d.blocks[2].rows[0].text, "10.0.0.1/24");
        assert_eq!(d.blocks[2].rows[1].text, "ns1-nic");
        assert_eq!(
            d.wires,
            [
                Wire {
                    a: Port {
                        block: 1,
                        row: Some(0)
                    },
                    b: Port {
                        block: 2,
                        row: Some(1)
                    },
                    label: None,
                    anchor: false,
                },
                // The bridge lives in the host.
                Wire {
                    a: Port {
                        block: 0,
                        row: None
                    },
                    b: Port {
                        block: 2,
                        row: None
                    },
                    label: None,
                    anchor: true,
                }
            ]
        );
    }

    #[test]
    fn leave_out_a_host_with_nothing_in_it() {
        let d = diagram("node a, b\na:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24");
        let names: Vec<_> = d.blocks.iter().map(|b| b.title()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(d.wires[0].a.block, 0);
        assert_eq!(d.wires[0].b.block, 1);
        let alone = diagram("");
        assert_eq!(alone.blocks.len(), 1, "the host alone stays");
    }

    #[test]
    fn write_link_options_as_the_topology_does() {
        let d = diagram(
            "node a, b\na:eth0 -- b:eth0 mtu=9000 delay=1.5ms jitter=250us loss=0.5% rate=10mbit",
        );
        assert_eq!(
            d.wires[0].label.as_deref(),
            Some("mtu=9000 delay=1.5ms jitter=250us loss=0.5% rate=10mbit")
        );
    }

    #[test]
    fn note_nat_and_forward_under_their_interface() {
        let d = diagram(
            "node a, w\na:eth0 10.0.0.2/24 -- host:eth0 10.0.0.1/24\n\
             host:up 192.0.2.1/24 -- w:eth0 192.0.2.2/24\n\
             route a default via 10.0.0.1\nnat host:up\n\
             forward host:up tcp 8080 to 10.0.0.2:80",
        );
        let host: Vec<_> = d.blocks[0].rows.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            host,
            [
                "eth0 10.0.0.1/24",
                "up 192.0.2.1/24",
                "  nat",
                "  forward tcp 8080 to 10.0.0.2:80"
            ]
        );
        // The wire ends on the interface's row, not on a note.
        assert_eq!(
            d.wires[1].a,
            Port {
                block: 0,
                row: Some(1)
            }
        );
    }
}
