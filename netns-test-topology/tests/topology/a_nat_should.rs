//! `nat OWNER:IFNAME [random]`, and the forwarding a `nat` or `forward`
//! turns on.

use netns_test_topology::{NatPlan, NsId, SysctlPlan};

use crate::support::{only_error, plan, rendered, summary};

/// `host` with an uplink to a node `isp`, and a node `lan` behind it.
const GATEWAY: &str = "node isp, lan
host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
host 10.0.0.1/24 -- lan 10.0.0.2/24
";

fn with(statements: &str) -> String {
    format!("{GATEWAY}{statements}")
}

fn sysctl(ns: usize, key: &str, value: &str) -> SysctlPlan {
    SysctlPlan {
        ns: NsId(ns),
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn plan_a_nat_on_its_interface() {
    assert_eq!(
        plan(&with("nat host:uplink\nnat host:eth0 random")).nats,
        [
            NatPlan {
                ns: NsId::HOST,
                ifname: "uplink".into(),
                random: false
            },
            NatPlan {
                ns: NsId::HOST,
                ifname: "eth0".into(),
                random: true
            },
        ]
    );
}

#[test]
fn name_interfaces_as_the_planner_does() {
    let plan = plan(
        "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24\na:eth0 10.1.0.1/24 -- host 10.1.0.2/24\n\
         nat a:eth1\nnat a:eth0",
    );
    assert_eq!(plan.links[0].a.ifname, "eth1");
    let nats: Vec<(NsId, &str)> = plan
        .nats
        .iter()
        .map(|n| (n.ns, n.ifname.as_str()))
        .collect();
    assert_eq!(nats, [(NsId(1), "eth1"), (NsId(1), "eth0")]);
}

#[test]
fn take_a_bridge_as_an_interface_of_the_host() {
    let plan = plan("node a\nbridge br0 10.0.0.1/24\na 10.0.0.2/24 -- br0\nnat host:br0");
    assert_eq!(plan.nats[0].ifname, "br0");
    assert_eq!(plan.nats[0].ns, NsId::HOST);
}

#[test]
fn turn_on_ipv4_forwarding_where_it_masquerades() {
    assert_eq!(
        plan(&with("nat host:uplink")).sysctls,
        [sysctl(0, "net.ipv4.ip_forward", "1")]
    );
}

#[test]
fn turn_on_ipv6_forwarding_when_the_interface_has_an_ipv6_address() {
    let plan = plan("node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64\nnat a:eth0");
    assert_eq!(
        plan.sysctls,
        [
            sysctl(1, "net.ipv4.ip_forward", "1"),
            sysctl(1, "net.ipv6.conf.all.forwarding", "1"),
        ]
    );
    let link_local = plan_of("node a\na 10.0.0.1/24 fe80::1/64 -- host 10.0.0.2/24\nnat a:eth0");
    assert_eq!(link_local, [sysctl(1, "net.ipv4.ip_forward", "1")]);
}

fn plan_of(src: &str) -> Vec<SysctlPlan> {
    plan(src).sysctls
}

#[test]
fn set_each_forwarding_key_once_per_namespace() {
    let sysctls = plan_of(&with(
        "nat host:uplink\nnat host:eth0\nforward host:uplink tcp 80 to 10.0.0.2:80\n\
         forward host:uplink udp 53 to 10.0.0.2:53",
    ));
    assert_eq!(sysctls, [sysctl(0, "net.ipv4.ip_forward", "1")]);
}

#[test]
fn leave_a_routers_forwarding_as_it_is() {
    let sysctls = plan_of("router r\nr 10.0.0.1/24 -- host 10.0.0.2/24\nnat r:eth0");
    assert_eq!(
        sysctls,
        [
            sysctl(1, "net.ipv4.ip_forward", "1"),
            sysctl(1, "net.ipv6.conf.all.forwarding", "1"),
        ]
    );
}

#[test]
fn place_its_forwarding_after_the_routers_and_before_the_users_sysctls() {
    let sysctls = plan_of(
        "node a, b; router r\n\
         sysctl host net.ipv4.ip_forward=0\n\
         nat b:eth0\n\
         nat host:eth0\n\
         a 10.0.0.1/24 -- host 10.0.0.2/24\n\
         b 10.1.0.1/24 -- r 10.1.0.2/24",
    );
    assert_eq!(
        sysctls,
        [
            sysctl(3, "net.ipv4.ip_forward", "1"),
            sysctl(3, "net.ipv6.conf.all.forwarding", "1"),
            sysctl(0, "net.ipv4.ip_forward", "1"),
            sysctl(2, "net.ipv4.ip_forward", "1"),
            sysctl(0, "net.ipv4.ip_forward", "0"),
        ]
    );
}

#[test]
fn reject_a_nat_without_an_interface_name() {
    assert_eq!(
        rendered(&with("nat host")),
        "\
error: missing `:IFNAME` after `host`
 --> topology:4:5
  |
4 | nat host
  |     ^^^^ expected `OWNER:IFNAME`
  |
  = help: a `nat` names the interface it masquerades out of: write `nat host:eth0`"
    );
    assert_eq!(summary("nat"), ["1:1 `nat` without an interface"]);
    assert_eq!(summary("nat :eth0"), ["1:5 no owner before `:` in `:eth0`"]);
    assert_eq!(
        summary("nat host:"),
        ["1:9 empty interface name after `host:`"]
    );
    assert_eq!(summary("nat host:eth0, host:eth1"), ["1:14 unexpected `,`"]);
}

#[test]
fn reject_a_word_other_than_random() {
    assert_eq!(
        rendered(&with("nat host:uplink randon")),
        "\
error: unknown word `randon` after `nat host:uplink`
 --> topology:4:17
  |
4 | nat host:uplink randon
  |                 ^^^^^^ expected `random` or the end of the statement
  |
  = help: did you mean `random`? The only option of `nat` is `random`, for fully random source ports: `nat host:uplink random`"
    );
    assert_eq!(
        summary(&with("nat host:uplink random random")),
        ["4:24 `random` is given twice"]
    );
}

#[test]
fn reject_an_owner_that_is_not_a_namespace() {
    assert_eq!(
        rendered("bridge br0 10.0.0.1/24\nnat br0:x"),
        "\
error: `br0` is a bridge, not a namespace
 --> topology:2:5
  |
2 | nat br0:x
  |     ^^^ a bridge is an interface of `host`
  |
  = help: name the bridge as an interface of the host: write `nat host:br0`"
    );
    assert_eq!(
        only_error(&with("nat lam:eth0")).help(),
        Some(
            "did you mean `lan`? If not, declare it with `node lam`, or use one of: isp, lan, host"
        )
    );
}

#[test]
fn reject_an_interface_the_owner_does_not_have() {
    assert_eq!(
        rendered(&with("nat host:eth1")),
        "\
error: `host` has no interface `eth1`
 --> topology:4:10
  |
4 | nat host:eth1
  |          ^^^^ not an interface of `host`
  |
  = help: did you mean `eth0`? The interfaces of `host` are `uplink` and `eth0`"
    );
    assert_eq!(
        only_error("node a\nnat a:eth0").help(),
        Some("`a` has no interfaces; give it one with a link, e.g. `a:eth0 10.0.0.1/24 -- ...`")
    );
    assert_eq!(
        only_error(&with("nat isp:wan")).help(),
        Some("the only interface of `isp` is `eth0`")
    );
}

#[test]
fn reject_an_interface_without_an_address() {
    assert_eq!(
        rendered("node a\na -- host 10.0.0.1/24\nnat a:eth0"),
        "\
error: `nat` out of `a:eth0`, which has no address
 --> topology:3:7
  |
3 | nat a:eth0
  |       ^^^^ masquerading rewrites the source to an address of this interface
  |
  = help: give it an address on its link, e.g. `a:eth0 10.0.0.1/24 -- ...`"
    );
    assert_eq!(
        summary("node a\na fe80::1/64 -- host\nnat a:eth0"),
        ["3:7 `nat` out of `a:eth0`, which has no address"]
    );
    assert_eq!(
        only_error("bridge br0\nnat host:br0").help(),
        Some("give the bridge an address, e.g. `bridge br0 10.0.0.1/24`")
    );
}

#[test]
fn reject_a_bridge_port() {
    assert_eq!(
        rendered("node a\nbridge br0 10.0.0.1/24\na 10.0.0.2/24 -- br0\nnat host:br0-p0"),
        "\
error: `nat` out of `br0-p0`, a port of bridge `br0`
 --> topology:4:10
  |
4 | nat host:br0-p0
  |          ^^^^^^ a bridge port has no address to masquerade with
  |
  = help: masquerade out of the bridge instead: write `nat host:br0`"
    );
    assert_eq!(
        only_error("node a\nbridge br0\na -- br0:up\nnat host:up").help(),
        Some(
            "give the bridge an address (e.g. `bridge br0 10.0.0.1/24`) and masquerade out of \
             it: write `nat host:br0`"
        )
    );
}

#[test]
fn reject_a_second_nat_on_one_interface() {
    assert_eq!(
        rendered(&with("nat host:uplink\nnat host:uplink random")),
        "\
error: second `nat` on `host:uplink`
 --> topology:5:5
  |
5 | nat host:uplink random
  |     ^^^^^^^^^^^ `host:uplink` is already masqueraded at line 4, column 5
  |
  = help: an interface is masqueraded once: remove one of the two `nat` lines"
    );
}

#[test]
fn report_every_mistake_at_once() {
    assert_eq!(
        summary(&with(
            "nat host\nnat lan:eth9\nnat host:uplink\nnat host:uplink\nnat isp:eth0 rnd"
        )),
        [
            "4:5 missing `:IFNAME` after `host`",
            "5:9 `lan` has no interface `eth9`",
            "7:5 second `nat` on `host:uplink`",
            "8:14 unknown word `rnd` after `nat isp:eth0`",
        ]
    );
}

#[test]
fn not_blame_an_interface_whose_link_or_address_has_an_error() {
    assert_eq!(
        summary("node a\na:up 10.0.0.1/24 -- nobody\nnat a:up"),
        ["2:21 unknown owner `nobody`"]
    );
    assert_eq!(
        summary("node a\na:up 10.0.0.1 -- host 10.0.0.2/24\nnat a:up"),
        ["2:6 `10.0.0.1` has no prefix length"]
    );
}

#[test]
fn be_a_reserved_word() {
    assert_eq!(summary("node nat"), ["1:6 `nat` is a reserved name"]);
    assert!(only_error("masquerade host:eth0")
        .help()
        .is_some_and(|h| h.starts_with("did you mean `nat`?")));
    assert!(only_error("snat host:eth0")
        .help()
        .is_some_and(|h| h.starts_with("did you mean `nat`?")));
}
