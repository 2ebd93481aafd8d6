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
