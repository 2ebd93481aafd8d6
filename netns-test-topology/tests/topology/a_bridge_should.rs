//! `bridge NAME [CIDR...]`.

use netns_test_topology::BridgePlan;

use crate::support::{cidr, plan, rendered, summary};

#[test]
fn hold_its_addresses_in_order() {
    assert_eq!(
        plan("bridge br0 10.0.0.1/24 fd00::1/64\nbridge br1").bridges,
        [
            BridgePlan {
                name: "br0".into(),
                addrs: vec![cidr("10.0.0.1/24"), cidr("fd00::1/64")]
            },
            BridgePlan {
                name: "br1".into(),
                addrs: vec![]
            },
        ]
    );
}

#[test]
fn reject_a_bridge_name_longer_than_15_bytes() {
    assert_eq!(
        rendered("bridge a-sixteen-bytes-"),
        "\
error: bridge name `a-sixteen-bytes-` is too long
 --> topology:1:8
  |
1 | bridge a-sixteen-bytes-
  |        ^^^^^^^^^^^^^^^^ 16 bytes; a bridge is an interface, so at most 15
  |
  = help: shorten it to 15 bytes or fewer"
    );
    assert_eq!(plan("bridge fifteen-bytes-x").bridges[0].name.len(), 15);
}

#[test]
fn reject_a_missing_name() {
    assert_eq!(
        rendered("bridge"),
        "\
error: `bridge` without a name
 --> topology:1:1
  |
1 | bridge
  | ^^^^^^ expected a bridge name after `bridge`
  |
  = help: write `bridge br0` or `bridge br0 10.0.0.1/24`"
    );
    assert_eq!(
        summary("bridge , br"),
        ["1:8 expected a bridge name after `bridge`, found `,`"]
    );
}

#[test]
fn reject_commas_between_bridges_or_addresses() {
    assert_eq!(
        rendered("bridge br 10.0.0.1/24, 10.0.1.1/24"),
        "\
error: unexpected `,`
 --> topology:1:22
  |
1 | bridge br 10.0.0.1/24, 10.0.1.1/24
  |                      ^ a `,` only separates names in `node` and `router`
  |
  = help: separate a bridge's addresses with spaces, and declare one bridge per statement"
    );
}

#[test]
fn reject_a_name_that_clashes_with_a_host_interface() {
    assert_eq!(
        rendered("node a\nhost:br0 -- a\nbridge br0"),
        "\
error: interface `br0` is defined twice in `host`
 --> topology:3:8
  |
3 | bridge br0
  |        ^^^ `br0` is already an interface of `host` at line 2, column 6
  |
  = help: rename the bridge or the interface: bridges and bridge ports are interfaces of the host namespace"
    );
}

#[test]
fn reject_the_name_lo() {
    assert_eq!(summary("bridge lo"), ["1:8 `lo` already exists in `host`"]);
}

#[test]
fn reject_a_port_whose_far_end_shares_no_prefix_with_the_others() {
    assert_eq!(
        rendered("node x, y\nbridge br 10.0.0.1/24\nx 10.0.1.5/24 -- br\ny 10.0.0.2/24 -- br"),
        "\
error: `10.0.1.5/24` on `x` shares no prefix with the other addresses on bridge `br`
 --> topology:3:3
  |
3 | x 10.0.1.5/24 -- br
  |   ^^^^^^^^^^^ also on bridge `br`: `10.0.0.1/24` (bridge `br`) and `10.0.0.2/24` (`y`)
  |
  = help: two addresses reach each other directly only when each lies inside the other's prefix: give `x` an address in `10.0.0.0/24`"
    );
}

#[test]
fn reject_a_bridge_address_that_shares_no_prefix_with_its_ports() {
    assert_eq!(
        summary("node x, y\nx 10.0.0.1/24 -- br\ny 10.0.0.2/24 -- br\nbridge br 10.9.0.1/24"),
        ["4:11 `10.9.0.1/24` on bridge `br` shares no prefix with the other addresses on it"]
    );
}

#[test]
fn see_bridges_linked_port_to_port_as_one_segment() {
    plan("node x, y\nbridge b1 10.0.0.1/24\nbridge b2\nb1 -- b2\nx 10.0.0.2/24 -- b2\ny -- b1");
    assert_eq!(
        summary("node x\nbridge b1 10.0.0.1/24\nbridge b2\nb1 -- b2\nx 10.0.1.2/24 -- b2"),
        ["5:3 `10.0.1.2/24` on `x` shares no prefix with the other addresses on bridges `b1` and `b2`"]
    );
}

#[test]
fn accept_two_prefixes_on_one_bridge_when_each_has_a_partner() {
    plan(
        "node a, b, c, d\nbridge br\na 10.0.0.1/24 -- br\nb 10.0.0.2/24 -- br\n\
         c 10.1.0.1/24 -- br\nd 10.1.0.2/24 -- br",
    );
}

#[test]
fn reject_the_names_linux_reserves() {
    assert_eq!(
        rendered("bridge default"),
        "\
error: `default` is a reserved interface name
 --> topology:1:8
  |
1 | bridge default
  |        ^^^^^^^ Linux refuses it: `/proc/sys/net/ipv4/conf/default` holds settings, not an interface
  |
  = help: pick another name"
    );
    assert_eq!(
        summary("bridge all"),
        ["1:8 `all` is a reserved interface name"]
    );
}
