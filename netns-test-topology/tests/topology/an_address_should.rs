//! `CIDR`s: syntax, prefix lengths, uniqueness.

use netns_test_topology::{Cidr, ParseCidrError};

use crate::support::{cidr, plan, rendered, summary};

#[test]
fn keep_host_bits_as_written() {
    let plan = plan("bridge br 10.1.2.3/16 fd00::1:2/112");
    assert_eq!(
        plan.bridges[0].addrs,
        [cidr("10.1.2.3/16"), cidr("fd00::1:2/112")]
    );
    assert_eq!(cidr("10.1.2.3/16").network(), cidr("10.1.0.0/16"));
}

#[test]
fn parse_on_its_own_with_typed_errors() {
    assert_eq!("10.0.0.1/24".parse::<Cidr>().map(|c| c.prefix), Ok(24));
    assert!(matches!(
        "10.0.0.1".parse::<Cidr>(),
        Err(ParseCidrError::MissingPrefix { .. })
    ));
    assert_eq!(
        "10.0.0.1".parse::<Cidr>().map_err(|e| e.to_string()),
        Err("`10.0.0.1` has no prefix length (write it like `10.0.0.1/24`)".to_owned())
    );
}

#[test]
fn reject_a_bare_address_with_a_fix() {
    assert_eq!(
        rendered("bridge br 10.0.0.1"),
        "\
error: `10.0.0.1` has no prefix length
 --> topology:1:11
  |
1 | bridge br 10.0.0.1
  |           ^^^^^^^^ expected an address with a prefix length
  |
  = help: write the prefix length of its network, e.g. `10.0.0.1/24`"
    );
    assert_eq!(
        crate::support::only_error("bridge br fd00::1").help(),
        Some("write the prefix length of its network, e.g. `fd00::1/64`")
    );
}

#[test]
fn reject_a_malformed_address_underlining_it() {
    assert_eq!(
        rendered("bridge br 10.0.0.256/24"),
        "\
error: `10.0.0.256` is not an IPv4 or IPv6 address
 --> topology:1:11
  |
1 | bridge br 10.0.0.256/24
  |           ^^^^^^^^^^ not an address
  |
  = help: write an address with a prefix length, e.g. `10.0.0.1/24` or `fd00::1/64`"
    );
    assert_eq!(
        summary("bridge br /24"),
        ["1:11 no address before `/` in `/24`"]
    );
    assert_eq!(
        summary("bridge br fd00:::1/64"),
        ["1:11 `fd00:::1` is not an IPv4 or IPv6 address"]
    );
}

#[test]
fn reject_a_prefix_that_is_too_long_or_not_a_number() {
    assert_eq!(
        rendered("bridge br 10.0.0.1/33"),
        "\
error: prefix length /33 is too long in `10.0.0.1/33`
 --> topology:1:19
  |
1 | bridge br 10.0.0.1/33
  |                   ^^^ an IPv4 prefix is 0 to 32 bits"
    );
    assert_eq!(
        summary("bridge br fd00::1/129"),
        ["1:18 prefix length /129 is too long in `fd00::1/129`"]
    );
    assert_eq!(
        summary("bridge br 10.0.0.1/x"),
        ["1:19 `/x` is not a prefix length"]
    );
    assert_eq!(
        summary("bridge br 10.0.0.1/"),
        ["1:19 `/` is not a prefix length"]
    );
    assert_eq!(
        summary("bridge br 10.0.0.1/24/8"),
        ["1:19 `/24/8` is not a prefix length"]
    );
}

#[test]
fn report_every_bad_address_of_a_statement() {
    assert_eq!(
        summary("bridge br 10.0.0.1 10.0.0.2/24 10.0.0.3/40"),
        [
            "1:11 `10.0.0.1` has no prefix length",
            "1:40 prefix length /40 is too long in `10.0.0.3/40`"
        ]
    );
}

#[test]
fn reject_an_address_used_twice_anywhere() {
    assert_eq!(
        rendered("node a\nbridge br 10.0.0.1/24\na 10.0.0.1/16 -- host"),
        "\
error: address `10.0.0.1` is used twice
 --> topology:3:3
  |
3 | a 10.0.0.1/16 -- host
  |   ^^^^^^^^^^^ already used at line 2, column 11
  |
  = help: every address in a topology must be unique; pick another one"
    );
    assert_eq!(
        summary("node a, b\na fd00::1/64 -- b fd00:0::1/64\nb 10.0.0.1/24 -- ghost 10.0.0.1/24"),
        [
            "2:19 address `fd00::1` is used twice",
            "3:18 unknown owner `ghost`",
            "3:24 address `10.0.0.1` is used twice"
        ]
    );
}

#[test]
fn reject_the_network_and_broadcast_address_of_a_prefix() {
    assert_eq!(
        rendered("bridge br 10.0.0.0/24"),
        "\
error: `10.0.0.0/24` is the network address of `10.0.0.0/24`
 --> topology:1:11
  |
1 | bridge br 10.0.0.0/24
  |           ^^^^^^^^^^^ the first address of a prefix names the network, not a host
  |
  = help: pick a host address from `10.0.0.1` to `10.0.0.254`; only /31 and /32 prefixes have no network or broadcast address (RFC 3021)"
    );
    assert_eq!(
        rendered("node a\na 10.0.0.255/24 -- host"),
        "\
error: `10.0.0.255/24` is the broadcast address of `10.0.0.0/24`
 --> topology:2:3
  |
2 | a 10.0.0.255/24 -- host
  |   ^^^^^^^^^^^^^ the last address of a prefix reaches every host on the link
  |
  = help: pick a host address from `10.0.0.1` to `10.0.0.254`; only /31 and /32 prefixes have no network or broadcast address (RFC 3021)"
    );
    assert_eq!(
        summary("bridge br 10.0.0.3/30 fd00::/64"),
        [
            "1:11 `10.0.0.3/30` is the broadcast address of `10.0.0.0/30`",
            "1:23 `fd00::/64` is the subnet-router anycast address of `fd00::/64`"
        ]
    );
}

#[test]
fn accept_every_address_of_a_slash_31_or_32_and_the_inner_ends_of_a_wider_prefix() {
    plan("node a, b\na 10.0.0.0/31 -- b 10.0.0.1/31\nbridge br 10.1.0.0/32 10.2.0.255/23 10.2.1.0/23 fd00::/127");
}

#[test]
fn reject_multicast_loopback_and_unspecified_addresses() {
    assert_eq!(
        rendered("bridge br 224.0.0.1/24"),
        "\
error: `224.0.0.1/24` is a multicast address
 --> topology:1:11
  |
1 | bridge br 224.0.0.1/24
  |           ^^^^^^^^^^^^ 224.0.0.0/4 names a group of listeners, not an interface
  |
  = help: pick a unicast address, e.g. `10.0.0.1/24`"
    );
    assert_eq!(
        rendered("bridge br ::1/128"),
        "\
error: `::1/128` is a loopback address
 --> topology:1:11
  |
1 | bridge br ::1/128
  |           ^^^^^^^ loopback addresses belong to `lo` (every namespace has it, with 127.0.0.1/8 and ::1)
  |
  = help: pick a unicast address, e.g. `fd00::1/64`"
    );
    assert_eq!(
        summary("bridge br ff02::1/64 127.0.0.2/8 0.0.0.0/32 ::/64 255.255.255.255/32 0.1.2.3/8"),
        [
            "1:11 `ff02::1/64` is a multicast address",
            "1:22 `127.0.0.2/8` is a loopback address",
            "1:34 `0.0.0.0/32` is the unspecified address",
            "1:45 `::/64` is the unspecified address",
            "1:51 `255.255.255.255/32` is the broadcast address",
            "1:70 `0.1.2.3/8` is in 0.0.0.0/8",
        ]
    );
}

#[test]
fn reject_a_prefix_linux_gives_no_route() {
    assert_eq!(
        rendered("bridge br 10.0.0.1/0"),
        "\
error: `10.0.0.1/0` has a /0 prefix
 --> topology:1:11
  |
1 | bridge br 10.0.0.1/0
  |           ^^^^^^^^^^ a /0 prefix claims every address for this link
  |
  = help: write the prefix of the link, e.g. `10.0.0.1/24`; to send everything through a neighbour, write `route OWNER default via ADDR`"
    );
    assert_eq!(
        rendered("bridge br 10.0.0.5/4"),
        "\
error: prefix length /4 is too short for `10.0.0.5/4`
 --> topology:1:11
  |
1 | bridge br 10.0.0.5/4
  |           ^^^^^^^^^^ its prefix `0.0.0.0/4` starts at 0.0.0.0, and Linux adds no route for it
  |
  = help: write a longer prefix, e.g. `10.0.0.5/24`"
    );
    assert_eq!(
        summary("bridge br fd00::1/0"),
        ["1:11 `fd00::1/0` has a /0 prefix"]
    );
    plan("bridge br 10.0.0.5/5");
}

#[test]
fn reject_a_link_local_address_netns_test_may_give() {
    assert_eq!(
        rendered("bridge br fe80::3e8/64"),
        "\
error: `fe80::3e8/64` may clash with a link-local address of netns-test
 --> topology:1:11
  |
1 | bridge br fe80::3e8/64
  |           ^^^^^^^^^^^^ netns-test gives every veth end and bridge `fe80::<interface index in hex>/64`, from `fe80::3e8` up
  |
  = help: pick an interface identifier below 0x3e8, e.g. `fe80::1/64`, or leave link-local addresses to netns-test"
    );
    assert_eq!(
        summary("bridge br fe80::1:0/64 fe80::ffff:ffff/10"),
        [
            "1:11 `fe80::1:0/64` may clash with a link-local address of netns-test",
            "1:24 `fe80::ffff:ffff/10` may clash with a link-local address of netns-test"
        ]
    );
    plan("bridge br fe80::1/64 fe80::3e7/64 fe80::1:0:0:3e8/64 fe80:1::3e8/64");
}

#[test]
fn report_an_unfit_address_on_an_unknown_owner_too() {
    assert_eq!(
        summary("node a\nb 10.0.0.0/24 -- a"),
        [
            "2:1 unknown owner `b`",
            "2:3 `10.0.0.0/24` is the network address of `10.0.0.0/24`"
        ]
    );
}
