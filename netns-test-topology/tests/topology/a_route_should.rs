//! `route OWNER DEST via ADDR`.

use netns_test_topology::{NsId, RoutePlan};

use crate::support::{cidr, only_error, plan, rendered, summary};

const TWO_NODES: &str = "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64\n";

fn with(routes: &str) -> String {
    format!("{TWO_NODES}{routes}")
}

#[test]
fn plan_default_and_prefix_routes_of_both_families() {
    let plan = plan(&with(
        "route a default via 10.0.0.2\nroute a fd01::/64 via fd00::2",
    ));
    assert_eq!(
        plan.routes,
        [
            RoutePlan {
                ns: NsId(1),
                dest: None,
                via: "10.0.0.2".parse().unwrap()
            },
            RoutePlan {
                ns: NsId(1),
                dest: Some(cidr("fd01::/64")),
                via: "fd00::2".parse().unwrap()
            },
        ]
    );
}

#[test]
fn allow_a_default_route_per_family() {
    assert_eq!(
        plan(&with(
            "route a default via 10.0.0.2\nroute a default via fd00::2"
        ))
        .routes
        .len(),
        2
    );
}

#[test]
fn reach_a_gateway_through_a_bridge_address_from_the_host() {
    let plan = plan("bridge br 10.0.0.1/24\nroute host 10.9.0.0/16 via 10.0.0.7");
    assert_eq!(plan.routes[0].ns, NsId::HOST);
}

#[test]
fn reject_a_gateway_no_interface_of_the_owner_can_reach() {
    assert_eq!(
        rendered(&with("route a default via 10.0.1.1")),
        "\
error: gateway `10.0.1.1` is not reachable from `a`
 --> topology:3:21
  |
3 | route a default via 10.0.1.1
  |                     ^^^^^^^^ no interface of `a` has an address in a prefix that holds `10.0.1.1`
  |
  = help: the only IPv4 prefix of `a` is `10.0.0.0/24`; pick a gateway inside it, or give an interface of `a` an address in the gateway's prefix"
    );
}

#[test]
fn list_the_owners_prefixes_when_the_gateway_is_unreachable() {
    let src = "node a\na 10.0.0.1/24 -- host\na 10.1.0.1/16 10.0.0.9/24 -- host\nroute a default via 10.2.0.1";
    assert_eq!(
        only_error(src).help(),
        Some("the IPv4 prefixes of `a` are `10.0.0.0/24` and `10.1.0.0/16`; pick a gateway inside one of them, or give an interface of `a` an address in the gateway's prefix")
    );
    assert_eq!(
        only_error("node a\na 10.0.0.1/24 -- host\nroute a default via fd00::1").help(),
        Some(
            "`a` has no IPv6 address; give an interface of `a` an address in the gateway's prefix"
        )
    );
    assert_eq!(
        only_error("node a\nroute a default via 10.0.0.1").help(),
        Some("`a` has no addresses; give an interface of `a` an address in the gateway's prefix")
    );
}

#[test]
fn reject_a_gateway_that_is_the_owners_own_address() {
    assert_eq!(
        summary(&with("route a default via 10.0.0.1")),
        ["3:21 gateway `10.0.0.1` is an address of `a` itself"]
    );
}

#[test]
fn reject_a_gateway_of_the_other_family() {
    assert_eq!(
        rendered(&with("route a 10.9.0.0/16 via fd00::2")),
        "\
error: gateway `fd00::2` is IPv6 but the destination `10.9.0.0/16` is IPv4
 --> topology:3:25
  |
3 | route a 10.9.0.0/16 via fd00::2
  |                         ^^^^^^^ the gateway and the destination must be of one family
  |
  = help: route an IPv4 destination via an IPv4 gateway"
    );
}

#[test]
fn reject_a_destination_with_host_bits() {
    assert_eq!(
        rendered(&with("route a 10.9.1.0/16 via 10.0.0.2")),
        "\
error: destination `10.9.1.0/16` has host bits set
 --> topology:3:9
  |
3 | route a 10.9.1.0/16 via 10.0.0.2
  |         ^^^^^^^^^^^ the prefix is `10.9.0.0/16`
  |
  = help: write `10.9.0.0/16`, or `10.9.1.0/32` for a single host"
    );
}

#[test]
fn reject_a_second_route_to_one_destination() {
    assert_eq!(
        rendered(&with(
            "route a default via 10.0.0.2\nroute a default via 10.0.0.3"
        )),
        "\
error: second route to `default` (IPv4) in `a`
 --> topology:4:9
  |
4 | route a default via 10.0.0.3
  |         ^^^^^^^ `a` already has a route to `default` (IPv4) at line 3, column 9
  |
  = help: a namespace has one route per destination; remove one"
    );
    assert_eq!(
        summary(&with("route a 10.9.0.0/16 via 10.0.0.2\nroute b 10.9.0.0/16 via 10.0.0.1\nroute a 10.9.0.0/16 via 10.0.0.3")),
        ["5:9 second route to `10.9.0.0/16` in `a`"]
    );
}

#[test]
fn reject_a_link_local_gateway() {
    assert_eq!(
        summary("node a\na fe80::1/64 -- host fe80::2/64\nroute a default via fe80::2"),
        ["3:21 link-local gateway `fe80::2`"]
    );
}

#[test]
fn reject_a_bridge_as_owner() {
    assert_eq!(
        rendered("bridge br 10.0.0.1/24\nroute br default via 10.0.0.2"),
        "\
error: `br` is a bridge, not a namespace
 --> topology:2:7
  |
2 | route br default via 10.0.0.2
  |       ^^ bridges live in the host namespace
  |
  = help: routes of the bridge's namespace are written `route host ...`"
    );
}

#[test]
fn reject_an_unknown_owner() {
    assert_eq!(
        rendered(&with("route c default via 10.0.0.2")),
        "\
error: unknown owner `c`
 --> topology:3:7
  |
3 | route c default via 10.0.0.2
  |       ^ `c` is not a node or router
  |
  = help: declare it with `node c`, or use one of: a, b, host"
    );
}

#[test]
fn reject_an_interface_as_owner() {
    assert_eq!(
        summary(&with("route a:eth0 default via 10.0.0.2")),
        ["3:7 a route belongs to a namespace, not to the interface `a:eth0`"]
    );
}

#[test]
fn reject_a_missing_via() {
    assert_eq!(
        rendered(&with("route a default 10.0.0.2")),
        "\
error: expected `via` before the gateway `10.0.0.2`
 --> topology:3:17
  |
3 | route a default 10.0.0.2
  |                 ^^^^^^^^ missing `via`
  |
  = help: write `route a default via 10.0.0.2`"
    );
    assert_eq!(
        summary(&with("route a default by 10.0.0.2")),
        ["3:17 expected `via`, found `by`"]
    );
    assert_eq!(summary(&with("route a default")), ["3:9 incomplete route"]);
    assert_eq!(
        summary(&with("route a default via")),
        ["3:17 `via` without a gateway"]
    );
}

#[test]
fn reject_a_gateway_with_a_prefix_or_not_an_address() {
    assert_eq!(
        only_error(&with("route a default via 10.0.0.2/24")).help(),
        Some("write `via 10.0.0.2`")
    );
    assert_eq!(
        summary(&with("route a default via gw")),
        ["3:21 `gw` is not an IPv4 or IPv6 address"]
    );
}

#[test]
fn reject_a_destination_that_is_not_a_prefix() {
    assert_eq!(
        summary(&with("route a 10.9.0.0 via 10.0.0.2")),
        ["3:9 `10.9.0.0` has no prefix length"]
    );
}

#[test]
fn reject_trailing_words() {
    assert_eq!(
        rendered(&with("route a default via 10.0.0.2 dev eth0")),
        "\
error: unexpected `dev` after the route
 --> topology:3:30
  |
3 | route a default via 10.0.0.2 dev eth0
  |                              ^^^^^^^^ the route ends before this
  |
  = help: write one route per statement, ending it with a newline or `;`"
    );
}

#[test]
fn reject_a_route_without_anything() {
    assert_eq!(summary("route"), ["1:1 `route` without an owner"]);
    assert_eq!(summary("node a\nroute a"), ["2:7 incomplete route"]);
    assert_eq!(
        summary("node a\nroute a, b default via 10.0.0.1"),
        ["2:8 unexpected `,`"]
    );
}

#[test]
fn reject_a_route_to_a_prefix_the_owner_is_on() {
    assert_eq!(
        rendered(&with("route a 10.0.0.0/24 via 10.0.0.2")),
        "\
error: route to `10.0.0.0/24` in `a`, a prefix `a` is on
 --> topology:3:9
  |
3 | route a 10.0.0.0/24 via 10.0.0.2
  |         ^^^^^^^^^^^ `a` has `10.0.0.1/24`, so it reaches `10.0.0.0/24` directly
  |
  = help: remove the route: Linux already routes a prefix through the interface that has an address in it"
    );
    assert_eq!(
        summary(&with("route a fd00::/64 via fd00::2")),
        ["3:9 route to `fd00::/64` in `a`, a prefix `a` is on"]
    );
    assert_eq!(
        summary("bridge br 10.0.0.1/24\nroute host 10.0.0.0/24 via 10.0.0.2"),
        ["2:12 route to `10.0.0.0/24` in `host`, a prefix `host` is on"]
    );
    // A wider or narrower prefix is another route.
    plan(&with(
        "route a 10.0.0.0/16 via 10.0.0.2\nroute a 10.0.0.0/25 via 10.0.0.2",
    ));
}

#[test]
fn reject_a_gateway_that_is_the_broadcast_or_network_address() {
    assert_eq!(
        rendered(&with("route a default via 10.0.0.255")),
        "\
error: gateway `10.0.0.255` is the broadcast address of `10.0.0.0/24`
 --> topology:3:21
  |
3 | route a default via 10.0.0.255
  |                     ^^^^^^^^^^ a gateway is a neighbour's address, and no host has this one
  |
  = help: route via a neighbour's address from `10.0.0.1` to `10.0.0.254`"
    );
    assert_eq!(
        summary(&with("route a default via 10.0.0.0")),
        ["3:21 gateway `10.0.0.0` is the network address of `10.0.0.0/24`"]
    );
    // Not the broadcast address of a /23, nor of a /31.
    plan("node a, b\na 10.0.0.1/23 -- b 10.0.0.255/23\nroute a default via 10.0.0.255");
    plan("node a, b\na 10.0.0.0/31 -- b 10.0.0.1/31\nroute a default via 10.0.0.1");
}

#[test]
fn reject_a_gateway_no_host_can_have() {
    assert_eq!(
        rendered(&with("route a 10.7.0.0/16 via 224.0.0.1")),
        "\
error: gateway `224.0.0.1` is a multicast address
 --> topology:3:25
  |
3 | route a 10.7.0.0/16 via 224.0.0.1
  |                         ^^^^^^^^^ a gateway is the unicast address of a neighbour
  |
  = help: route via the address of a neighbour on a link of `a`"
    );
    assert_eq!(
        summary(&with(
            "route a default via 127.0.0.1\nroute a default via ::1\nroute b default via ff02::2\n\
             route b 10.9.0.0/16 via 0.0.0.0"
        )),
        [
            "3:21 gateway `127.0.0.1` is a loopback address",
            "4:21 gateway `::1` is a loopback address",
            "5:21 gateway `ff02::2` is a multicast address",
            "6:25 gateway `0.0.0.0` is the unspecified address",
        ]
    );
}
