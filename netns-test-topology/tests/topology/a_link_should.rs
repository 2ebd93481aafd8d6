//! `END -- END [OPTION...]`: ends, ports, `mtu=`, automatic names (the
//! impairment options are in `an_impaired_link_should`).

use netns_test_topology::{NsId, VethEnd};

use crate::support::{cidr, only_error, plan, rendered, summary};

/// `(namespace, ifname, bridge)` of both ends of every link.
fn ends(src: &str) -> Vec<[(usize, String, Option<usize>); 2]> {
    let end = |e: &VethEnd| (e.ns.0, e.ifname.clone(), e.bridge);
    plan(src)
        .links
        .iter()
        .map(|l| [end(&l.a), end(&l.b)])
        .collect()
}

fn names(src: &str) -> Vec<(String, String)> {
    plan(src)
        .links
        .iter()
        .map(|l| (l.a.ifname.clone(), l.b.ifname.clone()))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

#[test]
fn join_two_nodes_with_addresses_on_both_ends() {
    let plan = plan("node a, b\na:eth0 10.0.0.1/24 fd00::1/64 -- b:veth-b 10.0.0.2/24 mtu=9000");
    let link = &plan.links[0];
    assert_eq!(
        link.a,
        VethEnd {
            ns: NsId(1),
            ifname: "eth0".into(),
            bridge: None,
            addrs: vec![cidr("10.0.0.1/24"), cidr("fd00::1/64")]
        }
    );
    assert_eq!(
        link.b,
        VethEnd {
            ns: NsId(2),
            ifname: "veth-b".into(),
            bridge: None,
            addrs: vec![cidr("10.0.0.2/24")]
        }
    );
    assert_eq!(link.mtu, Some(9000));
}

#[test]
fn name_ends_eth0_eth1_in_order_of_appearance_per_namespace() {
    assert_eq!(
        ends("node a, b\na -- b\na -- b\nhost -- a"),
        [
            [(1, "eth0".into(), None), (2, "eth0".into(), None)],
            [(1, "eth1".into(), None), (2, "eth1".into(), None)],
            [(0, "eth0".into(), None), (1, "eth2".into(), None)],
        ]
    );
}

#[test]
fn skip_names_written_anywhere_in_the_namespace_when_naming_automatically() {
    assert_eq!(
        names("node a, b\na -- b\na -- b:eth0\na:eth1 -- b"),
        [
            pair("eth0", "eth1"),
            pair("eth2", "eth0"),
            pair("eth1", "eth2")
        ]
    );
}

#[test]
fn skip_bridge_names_and_port_names_for_host_ends() {
    assert_eq!(
        names("node a\nbridge eth0\nhost -- a\nhost -- eth0:eth1"),
        [pair("eth2", "eth0"), pair("eth3", "eth1")]
    );
}

#[test]
fn attach_a_bridge_end_as_a_port_in_the_host() {
    assert_eq!(
        ends("node a\nbridge br\na -- br\nbr -- host"),
        [
            [(1, "eth0".into(), None), (0, "br-p0".into(), Some(0))],
            [(0, "br-p1".into(), Some(0)), (0, "eth0".into(), None)],
        ]
    );
}

#[test]
fn number_ports_per_bridge_counting_named_ones() {
    assert_eq!(
        names("node a, b, c\nbridge x; bridge y\na -- x\nb -- x:uplink\nc -- y\nc -- x"),
        [
            pair("eth0", "x-p0"),
            pair("eth0", "uplink"),
            pair("eth0", "y-p0"),
            pair("eth1", "x-p2")
        ]
    );
}

#[test]
fn skip_port_names_taken_in_the_host() {
    assert_eq!(
        names("node a, b\nbridge br\na -- br:br-p1\nb -- br\nhost:br-p2 -- a"),
        [
            pair("eth0", "br-p1"),
            pair("eth0", "br-p3"),
            pair("br-p2", "eth1")
        ]
    );
}

#[test]
fn cut_long_bridge_names_in_port_names_and_keep_them_apart() {
    assert_eq!(
        names("node a, b\nbridge abcdefghijklmnA\nbridge abcdefghijklmnB\na -- abcdefghijklmnA\nb -- abcdefghijklmnB"),
        [pair("eth0", "abcdefghijkl-p0"), pair("eth0", "abcdefghijkl-p1")]
    );
}

#[test]
fn reject_an_address_on_a_bridge_port() {
    assert_eq!(
        rendered("node a\nbridge br\na 10.0.0.1/24 -- br 10.0.0.2/24"),
        "\
error: address `10.0.0.2/24` on a port of bridge `br`
 --> topology:3:21
  |
3 | a 10.0.0.1/24 -- br 10.0.0.2/24
  |                     ^^^^^^^^^^^ a bridge port takes no addresses
  |
  = help: put it on the bridge (`bridge br 10.0.0.2/24`) or on the other end of the link"
    );
}

#[test]
fn reject_an_unknown_owner_suggesting_a_close_name() {
    assert_eq!(
        rendered("node ns1\nbridge testbr\nns2:eth0 10.0.0.100/24 -- testbr"),
        "\
error: unknown owner `ns2`
 --> topology:3:1
  |
3 | ns2:eth0 10.0.0.100/24 -- testbr
  | ^^^ `ns2` is not a node, router or bridge
  |
  = help: did you mean `ns1`? If not, declare it with `node ns2`, or use one of: ns1, testbr, host"
    );
}

#[test]
fn reject_an_unknown_owner_listing_the_known_ones() {
    assert_eq!(
        only_error("node alpha\nalpha -- zulu").help(),
        Some("declare it with `node zulu`, or use one of: alpha, host")
    );
    assert_eq!(
        only_error("host -- zulu").help(),
        Some("declare it with `node zulu`, or use `host`")
    );
    assert_eq!(only_error("host -- 9x").help(), Some("use `host`"));
    let many: String = (0..20).map(|i| format!("node n{i}\n")).collect();
    assert_eq!(
        only_error(&format!("{many}host -- zulu")).help(),
        Some("declare it with `node zulu`, or use one of: n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11 and 9 more")
    );
}

#[test]
fn report_both_unknown_owners_of_a_link() {
    assert_eq!(
        summary("x -- y"),
        ["1:1 unknown owner `x`", "1:6 unknown owner `y`"]
    );
}

#[test]
fn reject_a_missing_side() {
    assert_eq!(
        rendered("node a\na --"),
        "\
error: the link has no second end
 --> topology:2:3
  |
2 | a --
  |   ^^ nothing after `--`
  |
  = help: write `OWNER[:IFNAME] [CIDR...] -- OWNER[:IFNAME] [CIDR...]`, e.g. `a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24`"
    );
    assert_eq!(summary("node a\n-- a"), ["2:1 the link has no first end"]);
    assert_eq!(
        summary("--"),
        [
            "1:1 the link has no first end",
            "1:1 the link has no second end"
        ]
    );
}

#[test]
fn reject_a_second_dash_dash() {
    assert_eq!(
        rendered("node a, b, c\na -- b -- c"),
        "\
error: a second `--` in one link
 --> topology:2:8
  |
2 | a -- b -- c
  |        ^^ a link has exactly two ends
  |
  = help: write one link per statement: `a -- b`, then `b -- c` on the next line"
    );
}

#[test]
fn reject_an_address_where_the_owner_belongs() {
    assert_eq!(
        summary("node a\n10.0.0.1/24 -- a\na -- fd00::1"),
        [
            "2:1 expected the owner of a link end, found the address `10.0.0.1/24`",
            "3:6 expected the owner of a link end, found the address `fd00::1`",
        ]
    );
}

#[test]
fn reject_an_empty_owner_or_interface_name() {
    assert_eq!(
        summary("node a\n:eth0 -- a"),
        ["2:1 no owner before `:` in `:eth0`"]
    );
    assert_eq!(
        rendered("node a\na: -- host"),
        "\
error: empty interface name after `a:`
 --> topology:2:2
  |
2 | a: -- host
  |  ^ expected an interface name after `:`
  |
  = help: write `a:eth0`, or `a` for an automatic name"
    );
}

#[test]
fn reject_an_mtu_out_of_range() {
    assert_eq!(
        rendered("host -- host mtu=67"),
        "\
error: mtu=67 is out of range
 --> topology:1:14
  |
1 | host -- host mtu=67
  |              ^^^^^^ a veth MTU is 68 to 65535 bytes
  |
  = help: 1500 is the usual Ethernet MTU"
    );
    assert_eq!(
        summary("host -- host mtu=65536"),
        ["1:14 mtu=65536 is out of range"]
    );
    assert_eq!(
        summary("host -- host mtu=99999999999999999999999"),
        ["1:14 mtu=99999999999999999999999 is out of range"]
    );
    assert_eq!(plan("host -- host mtu=68").links[0].mtu, Some(68));
    assert_eq!(plan("host -- host mtu=65535").links[0].mtu, Some(65535));
}

#[test]
fn reject_an_mtu_that_is_not_a_number() {
    assert_eq!(
        summary("host -- host mtu=big"),
        ["1:14 `big` is not a number"]
    );
    assert_eq!(
        summary("host -- host mtu=-1"),
        ["1:14 `-1` is not a number"]
    );
    assert_eq!(
        summary("host -- host mtu="),
        ["1:14 `mtu=` without a value"]
    );
    assert_eq!(
        only_error("host -- host mtu = 1400").help(),
        Some("write `mtu=1400`, with no spaces around `=`")
    );
}

#[test]
fn reject_a_port_mtu_too_small_for_its_bridge_s_ipv6_addresses() {
    assert_eq!(
        summary("bridge br0 fd09::1/64\nnode d\nd:eth0 -- br0:p mtu=576"),
        ["3:17 mtu=576 is too small for bridge `br0`"]
    );
    assert_eq!(
        only_error("bridge br0 fd09::1/64\nnode d\nd:eth0 -- br0:p mtu=576").help(),
        Some("use `mtu=1280` or more on this port, or only IPv4 addresses on `br0`")
    );
    // IPv4 only on the bridge: any MTU the kernel takes.
    assert_eq!(
        plan("bridge br0 10.9.0.1/24\nnode d\nd:eth0 10.9.0.2/24 -- br0:p mtu=576").links[0].mtu,
        Some(576)
    );
}

#[test]
fn reject_an_mtu_too_small_for_ipv6_addresses() {
    assert_eq!(
        rendered("node a\na fd00::1/64 -- host fd00::2/64 mtu=1279"),
        "\
error: mtu=1279 is too small for IPv6
 --> topology:2:33
  |
2 | a fd00::1/64 -- host fd00::2/64 mtu=1279
  |                                 ^^^^^^^^ IPv6 needs an MTU of at least 1280, and this link has IPv6 addresses
  |
  = help: use `mtu=1280` or more, or only IPv4 addresses on this link"
    );
    assert_eq!(
        plan("node a\na 10.0.0.1/24 -- host mtu=576").links[0].mtu,
        Some(576)
    );
}

#[test]
fn reject_a_repeated_mtu() {
    assert_eq!(
        summary("host -- host mtu=1400 mtu=1500"),
        ["1:23 `mtu` is given twice"]
    );
}

#[test]
fn reject_an_unknown_option() {
    assert_eq!(
        rendered("host -- host mtu2=5"),
        "\
error: unknown link option `mtu2`
 --> topology:1:14
  |
1 | host -- host mtu2=5
  |              ^^^^^^ not a link option
  |
  = help: did you mean `mtu`? The link options are `mtu=N`, `delay=` and `jitter=` (`us`, `ms`, `s`), `loss=`, `duplicate=`, `reorder=` and `corrupt=` (`%`), and `rate=` (`kbit`, `mbit`, `gbit`), e.g. `a -- b delay=20ms loss=1%`"
    );
    assert_eq!(
        summary("host -- host speed=10G"),
        ["1:14 unknown link option `speed`"]
    );
    assert_eq!(
        summary("host -- host =5"),
        ["1:14 `=` without an option name"]
    );
}

#[test]
fn reject_an_option_before_the_dash_dash() {
    assert_eq!(
        summary("host mtu=1400 -- host"),
        ["1:6 link option `mtu=1400` before `--`"]
    );
}

#[test]
fn reject_commas_in_a_link() {
    assert_eq!(
        summary("node a\na 10.0.0.1/24, 10.0.0.2/24 -- host"),
        ["2:14 unexpected `,`"]
    );
    assert_eq!(
        summary("node a\n a -- , host"),
        ["2:7 expected the owner of a link end, found `,`"]
    );
}

#[test]
fn reject_a_word_that_is_not_an_address_after_an_owner() {
    assert_eq!(
        rendered("node a, b\na -- b c"),
        "\
error: expected an address with a prefix length, found `c`
 --> topology:2:8
  |
2 | a -- b c
  |        ^ not a CIDR
  |
  = help: write an address with a prefix length, e.g. `10.0.0.1/24` or `fd00::1/64`"
    );
}

#[test]
fn reject_a_node_linked_to_itself() {
    assert_eq!(
        rendered("node a, b\na 10.0.0.1/24 -- a 10.0.0.2/24"),
        "\
error: link from `a` to itself
 --> topology:2:18
  |
2 | a 10.0.0.1/24 -- a 10.0.0.2/24
  |                  ^ both ends are in `a`
  |
  = help: a link joins two different namespaces; link `a` to another node, a router, a bridge or `host`"
    );
    assert_eq!(
        summary("router r\nr:eth0 -- r:eth1"),
        ["2:11 link from `r` to itself"]
    );
}

#[test]
fn reject_a_bridge_linked_to_itself() {
    assert_eq!(
        only_error("bridge br\nbr -- br").label(),
        "both ends are ports of bridge `br`"
    );
}

#[test]
fn allow_a_veth_pair_inside_the_host() {
    let plan = plan("host 10.0.0.1/24 -- host 10.0.0.2/24");
    assert_eq!(plan.links[0].a.ns, plan.links[0].b.ns);
}

#[test]
fn reject_ends_whose_addresses_share_no_prefix() {
    assert_eq!(
        rendered("node a, b\na 10.0.0.1/24 -- b 10.0.1.2/24"),
        "\
error: `10.0.1.2/24` on `b` shares no prefix with the other end of the link
 --> topology:2:20
  |
2 | a 10.0.0.1/24 -- b 10.0.1.2/24
  |                    ^^^^^^^^^^^ `a` has `10.0.0.1/24` on this link
  |
  = help: two addresses reach each other directly only when each lies inside the other's prefix: give `b` an address in `10.0.0.0/24`"
    );
    // One end's prefix holds the other, but not the other way round.
    assert_eq!(
        summary("node a, b\na 10.0.0.1/16 -- b 10.0.1.2/24"),
        ["2:20 `10.0.1.2/24` on `b` shares no prefix with the other end of the link"]
    );
    assert_eq!(
        summary("node a, b\na fd00::1/64 -- b fd01::2/64"),
        ["2:19 `fd01::2/64` on `b` shares no prefix with the other end of the link"]
    );
}

#[test]
fn accept_ends_that_share_one_prefix_per_family() {
    for src in [
        "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/16",
        "node a, b\na 10.0.0.0/31 -- b 10.0.0.1/31",
        // A second address (a service address, a /32) needs no partner.
        "node a, b\na 10.0.0.1/24 10.9.9.9/32 -- b 10.0.0.2/24",
        // Families are checked apart; an end without addresses of a family
        // is not checked in it.
        "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24",
        "node a, b\na 10.0.0.1/24 -- b fd00::2/64",
        // Link-local addresses are left out: every interface has one.
        "node a, b\na 10.0.0.1/24 fe80::1/64 -- b 10.0.0.2/24 fe80:1::2/64",
    ] {
        plan(src);
    }
}

#[test]
fn not_compare_prefixes_across_a_link_with_a_malformed_address() {
    assert_eq!(
        summary("node a, b\na 10.0.0.1/24 10.0.1.1/x -- b 10.0.1.2/24"),
        ["2:23 `/x` is not a prefix length"]
    );
}
