//! Interface names: the kernel's rules, one per namespace, `lo` taken.

use crate::support::{only_error, plan, rendered, summary};

#[test]
fn accept_up_to_15_bytes() {
    let plan = plan("node a\na:fifteen-bytes-x -- host:x.y@z");
    assert_eq!(plan.links[0].a.ifname, "fifteen-bytes-x");
    assert_eq!(plan.links[0].b.ifname, "x.y@z");
}

#[test]
fn reject_a_name_longer_than_15_bytes() {
    assert_eq!(
        rendered("node a\na:sixteen-bytes-xx -- host"),
        "\
error: interface name `sixteen-bytes-xx` is too long
 --> topology:2:3
  |
2 | a:sixteen-bytes-xx -- host
  |   ^^^^^^^^^^^^^^^^ 16 bytes; Linux allows at most 15
  |
  = help: an interface name is 1 to 15 bytes without `/`, `:`, `%`, whitespace or control characters; or leave out `:NAME` for an automatic name"
    );
    assert_eq!(
        only_error("host:éééééééé -- host").label(),
        "16 bytes; Linux allows at most 15"
    );
}

#[test]
fn reject_a_slash_a_colon_or_a_control_character() {
    assert_eq!(
        rendered("node a\na:x/y -- host"),
        "\
error: invalid interface name `x/y`
 --> topology:2:3
  |
2 | a:x/y -- host
  |   ^^^ `/` is not allowed in an interface name
  |
  = help: an interface name is 1 to 15 bytes without `/`, `:`, `%`, whitespace or control characters; or leave out `:NAME` for an automatic name"
    );
    assert_eq!(
        only_error("host:a:b -- host").label(),
        "`:` is not allowed in an interface name"
    );
    assert_eq!(
        only_error("host:a\u{7}b -- host").label(),
        "`\\u{7}` is not allowed in an interface name"
    );
}

#[test]
fn reject_dot_and_dot_dot() {
    assert_eq!(
        summary("host:. -- host:.."),
        [
            "1:6 invalid interface name `.`",
            "1:16 invalid interface name `..`"
        ]
    );
}

#[test]
fn reject_a_duplicate_interface_in_one_namespace() {
    assert_eq!(
        rendered("node a, b\na:eth0 -- b\na:eth0 -- b"),
        "\
error: interface `eth0` is defined twice in `a`
 --> topology:3:3
  |
3 | a:eth0 -- b
  |   ^^^^ `eth0` is already an interface of `a` at line 2, column 3
  |
  = help: pick another name, or leave out `:eth0` for an automatic name"
    );
}

#[test]
fn allow_one_name_in_different_namespaces() {
    assert_eq!(plan("node a, b\na:eth0 -- b:eth0").links.len(), 1);
}

#[test]
fn reject_a_port_name_that_clashes_in_the_host() {
    assert_eq!(
        summary("node a, b\nbridge br\na -- br:p\nhost:p -- b\nb -- br:br"),
        [
            "4:6 interface `p` is defined twice in `host`",
            "5:9 interface `br` is defined twice in `host`"
        ]
    );
    assert_eq!(
        only_error("node a\nbridge br\na -- br:p\nhost:p -- a").label(),
        "`p` is already a port of bridge `br` at line 3, column 9"
    );
    assert_eq!(
        only_error("node a\nbridge br\na -- host:br").label(),
        "the bridge `br` at line 2, column 8 already has this name in `host`"
    );
}

#[test]
fn never_clash_with_an_automatic_name() {
    // `eth0` is written after the automatic end that would have taken it.
    let plan = plan("node a, b\na -- b\na:eth0 -- b:eth0");
    assert_eq!(plan.links[0].a.ifname, "eth1");
    assert_eq!(plan.links[0].b.ifname, "eth1");
}

#[test]
fn reject_lo() {
    assert_eq!(
        rendered("node a\na:lo -- host"),
        "\
error: `lo` already exists in `a`
 --> topology:2:3
  |
2 | a:lo -- host
  |   ^^ every namespace has its loopback interface `lo`
  |
  = help: pick another name"
    );
}

#[test]
fn reject_a_percent_sign_which_linux_fills_in() {
    assert_eq!(
        only_error("node a\na:eth%d -- host").label(),
        "`%` is not allowed in an interface name: Linux fills in `%d` with a number, \
         renaming the interface"
    );
}

#[test]
fn reject_all_and_default() {
    assert_eq!(
        rendered("node a\na:all -- host"),
        "\
error: `all` is a reserved interface name
 --> topology:2:3
  |
2 | a:all -- host
  |   ^^^ Linux refuses it: `/proc/sys/net/ipv4/conf/all` holds settings, not an interface
  |
  = help: pick another name"
    );
    assert_eq!(
        summary("node a\na -- host:default"),
        ["2:11 `default` is a reserved interface name"]
    );
    assert_eq!(plan("node a\na:all0 -- host:default1").links.len(), 1);
}

#[test]
fn accept_a_dot_inside_a_name() {
    assert_eq!(
        plan("node a\na:eth0.100 -- host").links[0].a.ifname,
        "eth0.100"
    );
}
