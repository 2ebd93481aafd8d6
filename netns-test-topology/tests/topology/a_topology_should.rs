//! Whole topologies: the walk-through, ordering, layout of the text.

use netns_test_topology::{
    BridgePlan, NamespacePlan, NsId, NsKind, Plan, SysctlPlan, Topology, VethEnd, VethPlan,
};

use crate::support::{cidr, plan, summary};

fn host() -> NamespacePlan {
    NamespacePlan {
        name: "host".into(),
        kind: NsKind::Host,
    }
}

#[test]
fn plan_the_three_line_walk_through() {
    let plan = plan(
        "
        node ns1
        bridge testbr 10.0.0.1/24
        ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
        ",
    );
    assert_eq!(
        plan,
        Plan {
            namespaces: vec![
                host(),
                NamespacePlan {
                    name: "ns1".into(),
                    kind: NsKind::Node
                }
            ],
            bridges: vec![BridgePlan {
                name: "testbr".into(),
                addrs: vec![cidr("10.0.0.1/24")]
            }],
            links: vec![VethPlan {
                a: VethEnd {
                    ns: NsId(1),
                    ifname: "eth0".into(),
                    bridge: None,
                    addrs: vec![cidr("10.0.0.100/24")],
                },
                b: VethEnd {
                    ns: NsId::HOST,
                    ifname: "ns1-nic".into(),
                    bridge: Some(0),
                    addrs: vec![]
                },
                mtu: None,
                impairment: None,
            }],
            routes: vec![],
            sysctls: vec![],
            nats: vec![],
            forwards: vec![],
        }
    );
}

#[test]
fn be_just_the_host_when_empty() {
    let empty = Topology::empty();
    assert_eq!(empty.plan().namespaces, [host()]);
    assert!(empty.plan().bridges.is_empty() && empty.plan().links.is_empty());
    assert!(empty.plan().routes.is_empty() && empty.plan().sysctls.is_empty());
    assert_eq!(Topology::default(), empty);
    assert_eq!("".parse::<Topology>(), Ok(empty.clone()));
    assert_eq!("  \n # nothing\n ; ;\n".parse::<Topology>(), Ok(empty));
}

#[test]
fn number_namespaces_in_order_of_declaration_after_the_host() {
    let plan = plan("router r1\nnode b, a\nbridge br\nnode c");
    let names: Vec<(&str, NsKind)> = plan
        .namespaces
        .iter()
        .map(|n| (n.name.as_str(), n.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("host", NsKind::Host),
            ("r1", NsKind::Router),
            ("b", NsKind::Node),
            ("a", NsKind::Node),
            ("c", NsKind::Node)
        ]
    );
}

#[test]
fn let_a_statement_name_a_node_declared_further_down() {
    let plan = plan("a -- br\nbridge br\nnode a");
    assert_eq!(plan.links[0].a.ns, NsId(1));
    assert_eq!(plan.links[0].b.bridge, Some(0));
}

#[test]
fn accept_semicolons_comments_indentation_and_crlf() {
    let text =
        "\t# a comment line\r\n  node a, b ; node c # trailing comment\r\n\r\n   a -- b;b -- c\r\n";
    let plan = plan(text);
    assert_eq!(plan.namespaces.len(), 4);
    assert_eq!(plan.links.len(), 2);
}

#[test]
fn give_routers_their_forwarding_sysctls_before_the_users() {
    let plan = plan(
        "node a
         router r1, r2
         sysctl a net.ipv4.conf.all.rp_filter=0
         sysctl r1 net.ipv4.ip_forward=0",
    );
    let sysctl = |ns, key: &str, value: &str| SysctlPlan {
        ns: NsId(ns),
        key: key.into(),
        value: value.into(),
    };
    assert_eq!(
        plan.sysctls,
        [
            sysctl(2, "net.ipv4.ip_forward", "1"),
            sysctl(2, "net.ipv6.conf.all.forwarding", "1"),
            sysctl(3, "net.ipv4.ip_forward", "1"),
            sysctl(3, "net.ipv6.conf.all.forwarding", "1"),
            sysctl(1, "net.ipv4.conf.all.rp_filter", "0"),
            sysctl(2, "net.ipv4.ip_forward", "0"),
        ]
    );
}

#[test]
fn plan_a_routed_network_with_both_families() {
    let plan = plan(
        "node client, server
         router r
         client 10.0.1.2/24 fd01::2/64 -- r 10.0.1.1/24 fd01::1/64
         r 10.0.2.1/24 fd02::1/64 -- server 10.0.2.2/24 fd02::2/64
         route client default via 10.0.1.1
         route client default via fd01::1
         route server 10.0.1.0/24 via 10.0.2.1
         route server fd01::/64 via fd02::1",
    );
    let routes: Vec<(usize, Option<String>, String)> = plan
        .routes
        .iter()
        .map(|r| (r.ns.0, r.dest.map(|d| d.to_string()), r.via.to_string()))
        .collect();
    assert_eq!(
        routes,
        [
            (1, None, "10.0.1.1".into()),
            (1, None, "fd01::1".into()),
            (2, Some("10.0.1.0/24".into()), "10.0.2.1".into()),
            (2, Some("fd01::/64".into()), "fd02::1".into()),
        ]
    );
    assert_eq!(plan.links[1].a.ifname, "eth1");
    assert_eq!(
        plan.links[1].a.addrs,
        [cidr("10.0.2.1/24"), cidr("fd02::1/64")]
    );
}

#[test]
fn report_three_mistakes_as_three_errors() {
    assert_eq!(
        summary(
            "node a, a
             bridge br 10.0.0.1
             nodes b"
        ),
        [
            "1:9 `a` is declared twice",
            "2:24 `10.0.0.1` has no prefix length",
            "3:14 unknown statement `nodes`",
        ]
    );
}

#[test]
fn report_syntax_and_validation_errors_together_in_text_order() {
    assert_eq!(
        summary(
            "node a
             a -- ghost
             route a default
             a:eth0 -- host mtu=1
             sysctl a kernel.x=1"
        ),
        [
            "2:19 unknown owner `ghost`",
            "3:22 incomplete route",
            "4:29 mtu=1 is out of range",
            "5:23 sysctl `kernel.x` is not under `net.`",
        ]
    );
}

#[test]
fn not_blame_a_gateway_when_the_link_that_reaches_it_has_a_syntax_error() {
    assert_eq!(
        summary(
            "node a, b
             a:eth0 10.0.0.1/24 -- b 10.0.0.2/24 -- c
             route a default via 10.0.0.2"
        ),
        ["2:50 a second `--` in one link"]
    );
    assert_eq!(
        summary(
            "node a, b
             a:eth0 10.0.0.1/33 -- b 10.0.0.2/24
             route a default via 10.0.0.2"
        ),
        ["2:29 prefix length /33 is too long in `10.0.0.1/33`"]
    );
}
