//! `sysctl OWNER KEY=VALUE`.

use netns_test_topology::{NsId, SysctlPlan};

use crate::support::{only_error, plan, rendered, summary};

#[test]
fn plan_a_sysctl_in_its_namespace() {
    assert_eq!(
        plan(
            "node a\nsysctl a net.ipv4.conf.eth0.rp_filter=2\nsysctl host net.core.somaxconn=1024"
        )
        .sysctls,
        [
            SysctlPlan {
                ns: NsId(1),
                key: "net.ipv4.conf.eth0.rp_filter".into(),
                value: "2".into()
            },
            SysctlPlan {
                ns: NsId::HOST,
                key: "net.core.somaxconn".into(),
                value: "1024".into()
            },
        ]
    );
}

#[test]
fn keep_everything_after_the_first_equals_sign_as_the_value() {
    assert_eq!(plan("sysctl host net.x.y=a=b").sysctls[0].value, "a=b");
}

#[test]
fn reject_a_key_not_under_net() {
    assert_eq!(
        rendered("sysctl host kernel.pid_max=100"),
        "\
error: sysctl `kernel.pid_max` is not under `net.`
 --> topology:1:13
  |
1 | sysctl host kernel.pid_max=100
  |             ^^^^^^^^^^^^^^ expected a key starting with `net.`
  |
  = help: only `net.*` sysctls belong to a network namespace; set others outside the test"
    );
    assert_eq!(
        summary("sysctl host net=1"),
        ["1:13 sysctl `net` is not under `net.`"]
    );
    assert_eq!(
        only_error("sysctl host net/ipv4/ip_forward=1").help(),
        Some("write the key with dots, e.g. `net.ipv4.conf.all.forwarding`")
    );
}

#[test]
fn reject_a_key_with_an_empty_part_or_a_bad_character() {
    assert_eq!(
        summary("sysctl host net..x=1"),
        ["1:13 sysctl key `net..x` has an empty part"]
    );
    assert_eq!(
        summary("sysctl host net.x.=1"),
        ["1:13 sysctl key `net.x.` has an empty part"]
    );
    assert_eq!(
        summary("sysctl host net.=1"),
        ["1:13 sysctl key `net.` has an empty part"]
    );
    assert_eq!(
        only_error("sysctl host net.a/b=1").label(),
        "`/` is not allowed in a sysctl key"
    );
}

#[test]
fn reject_an_empty_value() {
    assert_eq!(
        rendered("sysctl host net.ipv4.ip_forward="),
        "\
error: sysctl `net.ipv4.ip_forward` has no value
 --> topology:1:13
  |
1 | sysctl host net.ipv4.ip_forward=
  |             ^^^^^^^^^^^^^^^^^^^^ expected a value after `=`
  |
  = help: write e.g. `net.ipv4.ip_forward=1`"
    );
}

#[test]
fn reject_spaces_around_the_equals_sign() {
    assert_eq!(
        only_error("sysctl host net.x = 1").help(),
        Some("write `net.x=1`")
    );
    assert_eq!(
        only_error("sysctl host net.x =1").help(),
        Some("write `net.x=1`")
    );
    assert_eq!(
        summary("sysctl host net.x"),
        ["1:13 expected `KEY=VALUE`, found `net.x`"]
    );
    assert_eq!(
        summary("sysctl host =1"),
        ["1:13 no key before `=` in `=1`"]
    );
}

#[test]
fn reject_a_value_of_several_words() {
    assert_eq!(
        rendered("sysctl host net.ipv4.ip_local_port_range=1000 2000"),
        "\
error: unexpected `2000` after the sysctl
 --> topology:1:47
  |
1 | sysctl host net.ipv4.ip_local_port_range=1000 2000
  |                                               ^^^^ the sysctl ends before this
  |
  = help: a sysctl value is one word, with no spaces"
    );
}

#[test]
fn reject_a_bridge_or_unknown_owner() {
    assert_eq!(
        only_error("bridge br\nsysctl br net.x=1").help(),
        Some("sysctls of the bridge's namespace are written `sysctl host ...`")
    );
    assert_eq!(
        summary("node a\nsysctl b net.x=1"),
        ["2:8 unknown owner `b`"]
    );
    assert_eq!(summary("sysctl"), ["1:1 `sysctl` without an owner"]);
    assert_eq!(summary("sysctl host"), ["1:8 incomplete sysctl"]);
    assert_eq!(
        summary("sysctl host:eth0 net.x=1"),
        ["1:8 a sysctl belongs to a namespace, not to the interface `host:eth0`"]
    );
}

#[test]
fn reject_a_key_that_names_an_interface_with_a_dot() {
    assert_eq!(
        rendered("node a\na:eth0.100 -- host\nsysctl a net.ipv4.conf.eth0.100.rp_filter=1"),
        "\
error: sysctl `net.ipv4.conf.eth0.100.rp_filter` names the interface `eth0.100`, whose name holds a dot
 --> topology:3:10
  |
3 | sysctl a net.ipv4.conf.eth0.100.rp_filter=1
  |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ a key's dots become `/` in /proc/sys, so this key cannot name `eth0.100`
  |
  = help: give the interface a name without a dot (e.g. `eth0_100`) to set its sysctls"
    );
}

#[test]
fn accept_a_dotted_interface_that_no_key_of_its_namespace_names() {
    plan(
        "node a, b\na:eth0.100 -- b:eth0.100\nsysctl a net.ipv4.conf.eth0.rp_filter=1\n\
         sysctl host net.ipv4.conf.eth0.100.rp_filter=1",
    );
}
