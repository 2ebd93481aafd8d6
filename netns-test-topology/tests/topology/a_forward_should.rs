//! `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`.

use netns_test_topology::{ForwardPlan, NsId, Protocol, SysctlPlan};

use crate::support::{only_error, plan, rendered, summary};

/// `host` with an uplink to a node `isp`, and a server `web` behind it.
const GATEWAY: &str = "node isp, web
host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
host 10.0.0.1/24 fd00::1/64 -- web 10.0.0.2/24 fd00::2/64
";

fn with(statements: &str) -> String {
    format!("{GATEWAY}{statements}")
}

#[test]
fn plan_forwards_of_both_protocols_and_families() {
    assert_eq!(
        plan(&with(
            "forward host:uplink tcp 8080 to 10.0.0.2:80\nforward host:uplink udp 53 to [fd00::2]:5353"
        ))
        .forwards,
        [
            ForwardPlan {
                ns: NsId::HOST,
                ifname: "uplink".into(),
                protocol: Protocol::Tcp,
                port: 8080,
                to: "10.0.0.2:80".parse().unwrap(),
            },
            ForwardPlan {
                ns: NsId::HOST,
                ifname: "uplink".into(),
                protocol: Protocol::Udp,
                port: 53,
                to: "[fd00::2]:5353".parse().unwrap(),
            },
        ]
    );
}

#[test]
fn accept_ports_from_1_to_65535_and_the_same_port_on_another_interface_or_protocol() {
    let plan = plan(&with(
        "forward host:uplink tcp 1 to 10.0.0.2:65535\nforward host:uplink udp 1 to 10.0.0.2:1\n\
         forward host:eth0 tcp 1 to 10.0.0.2:1\nforward host:uplink tcp 65535 to 10.0.0.2:1",
    ));
    let ports: Vec<(u16, u16)> = plan
        .forwards
        .iter()
        .map(|f| (f.port, f.to.port()))
        .collect();
    assert_eq!(ports, [(1, 65535), (1, 1), (1, 1), (65535, 1)]);
}

#[test]
fn turn_on_ipv6_forwarding_for_an_ipv6_target() {
    let keys = |src: &str| -> Vec<(NsId, String)> {
        plan(&with(src))
            .sysctls
            .into_iter()
            .map(|SysctlPlan { ns, key, .. }| (ns, key))
            .collect()
    };
    assert_eq!(
        keys("forward host:uplink tcp 80 to [fd00::2]:80"),
        [
            (NsId::HOST, "net.ipv4.ip_forward".to_owned()),
            (NsId::HOST, "net.ipv6.conf.all.forwarding".to_owned()),
        ]
    );
    assert_eq!(
        keys("forward host:uplink tcp 80 to 10.0.0.2:80"),
        [(NsId::HOST, "net.ipv4.ip_forward".to_owned())]
    );
}

#[test]
fn reach_a_target_through_a_route_written_anywhere() {
    let src = "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64\n\
               forward a:eth0 tcp 80 to 10.9.0.1:80\nforward a:eth0 tcp 81 to [fd09::1]:80\n\
               route a 10.9.0.0/16 via 10.0.0.2\nroute a default via fd00::2";
    assert_eq!(plan(src).forwards.len(), 2);
}

#[test]
fn reach_a_target_on_a_bridge_of_the_host_or_its_own_address() {
    let plan = plan(
        "node a\nbridge br0 10.1.0.1/24\na 10.1.0.2/24 -- br0\nhost:up 10.2.0.1/24 -- a 10.2.0.2/24\n\
         forward host:up tcp 80 to 10.1.0.2:80\nforward host:br0 tcp 80 to 10.1.0.1:8080",
    );
    assert_eq!(plan.forwards[1].ifname, "br0");
}

#[test]
fn reject_what_is_not_the_syntax() {
    let cases = [
        ("forward", "5:1 `forward` without an interface"),
        ("forward host", "5:9 missing `:IFNAME` after `host`"),
        ("forward host:uplink", "5:9 incomplete forward"),
        (
            "forward host:uplink 80 to 10.0.0.2:80",
            "5:21 expected `tcp` or `udp` before the port `80`",
        ),
        (
            "forward host:uplink tcp 80 10.0.0.2:80",
            "5:28 expected `to` before the target `10.0.0.2:80`",
        ),
        (
            "forward host:uplink tcp 80 at 10.0.0.2:80",
            "5:28 expected `to`, found `at`",
        ),
        ("forward host:uplink tcp", "5:21 incomplete forward"),
        ("forward host:uplink tcp 80", "5:25 incomplete forward"),
        (
            "forward host:uplink tcp 80 to",
            "5:28 `to` without a target",
        ),
        (
            "forward host:uplink tcp 80 to 10.0.0.2:80 now",
            "5:43 unexpected `now` after the forward",
        ),
        (
            "forward host:uplink, tcp 80 to 10.0.0.2:80",
            "5:20 unexpected `,`",
        ),
    ];
    for (statement, error) in cases {
        let src = format!("{GATEWAY}\n{statement}");
        assert_eq!(summary(&src), [error], "{statement}");
    }
}

#[test]
fn reject_a_protocol_other_than_tcp_and_udp() {
    assert_eq!(
        rendered(&with("forward host:uplink TCP 80 to 10.0.0.2:80")),
        "\
error: unknown protocol `TCP`
 --> topology:4:21
  |
4 | forward host:uplink TCP 80 to 10.0.0.2:80
  |                     ^^^ expected `tcp` or `udp`
  |
  = help: did you mean `tcp`? A forward is for `tcp` or `udp`, in lowercase"
    );
    assert_eq!(
        only_error(&with("forward host:uplink tpc 80 to 10.0.0.2:80")).help(),
        Some("did you mean `tcp`? A forward is for `tcp` or `udp`, in lowercase")
    );
    assert_eq!(
        only_error(&with("forward host:uplink sctp 80 to 10.0.0.2:80")).help(),
        Some("a forward is for `tcp` or `udp`, in lowercase")
    );
}

#[test]
fn reject_ports_out_of_range_or_not_numbers() {
    assert_eq!(
        rendered(&with("forward host:uplink tcp 0 to 10.0.0.2:80")),
        "\
error: port 0 is out of range
 --> topology:4:25
  |
4 | forward host:uplink tcp 0 to 10.0.0.2:80
  |                         ^ a port is 1 to 65535
  |
  = help: pick a port from 1 to 65535"
    );
    assert_eq!(
        summary(&with(
            "forward host:uplink tcp 65536 to 10.0.0.2:80\n\
             forward host:uplink tcp 99999999999999999999999 to 10.0.0.2:80\n\
             forward host:uplink tcp http to 10.0.0.2:80\n\
             forward host:uplink tcp 80 to 10.0.0.2:0\n\
             forward host:uplink tcp 81 to 10.0.0.2:65536\n\
             forward host:uplink tcp 82 to [fd00::2]:-1\n\
             forward host:uplink tcp 83 to 10.0.0.2:"
        )),
        [
            "4:25 port 65536 is out of range",
            "5:25 port 99999999999999999999999 is out of range",
            "6:25 `http` is not a port number",
            "7:40 port 0 is out of range",
            "8:40 port 65536 is out of range",
            "9:41 `-1` is not a port number",
            "10:40 `` is not a port number",
        ]
    );
}

#[test]
fn reject_a_malformed_target() {
    let cases = [
        (
            "10.0.0.2",
            "the target `10.0.0.2` has no port",
            "write `10.0.0.2:80`",
        ),
        (
            "fd00::2:80",
            "IPv6 target `fd00::2:80` without brackets",
            "write `[fd00::2]:80`",
        ),
        (
            "[fd00::2]",
            "the target `[fd00::2]` has no port",
            "write `[fd00::2]:80`",
        ),
        (
            "[10.0.0.2]:8080",
            "IPv4 target `[10.0.0.2]:8080` in brackets",
            "write `10.0.0.2:8080`",
        ),
        (
            "[fd00::2:80",
            "missing `]` in the target `[fd00::2:80`",
            "write `[ADDR]:PORT`, e.g. `[fd00::2]:80`",
        ),
        (
            "10.0.0.2/24:80",
            "the target `10.0.0.2/24` has a prefix length",
            "write `10.0.0.2:80`",
        ),
        (
            "web:80",
            "`web` is not an IPv4 or IPv6 address",
            "a target is an address, not a name: write an address of `web` and the port, \
             e.g. `10.0.0.2:80`, or `[fd00::2]:80` for IPv6",
        ),
    ];
    for (target, message, help) in cases {
        let error = only_error(&with(&format!("forward host:uplink tcp 80 to {target}")));
        assert_eq!((error.message(), error.help()), (message, Some(help)));
    }
}

#[test]
fn reject_an_owner_that_is_not_a_namespace() {
    assert_eq!(
        only_error("bridge br0 10.0.0.1/24\nforward br0:x tcp 80 to 10.0.0.2:80").help(),
        Some("name the bridge as an interface of the host: write `forward host:br0 ...`")
    );
    assert_eq!(
        summary(&with("forward wbe:eth0 tcp 80 to 10.0.0.2:80")),
        ["4:9 unknown owner `wbe`"]
    );
}

#[test]
fn reject_an_interface_the_owner_does_not_have() {
    assert_eq!(
        rendered(&with("forward host:uplnk tcp 80 to 10.0.0.2:80")),
        "\
error: `host` has no interface `uplnk`
 --> topology:4:14
  |
4 | forward host:uplnk tcp 80 to 10.0.0.2:80
  |              ^^^^^ not an interface of `host`
  |
  = help: did you mean `uplink`? The interfaces of `host` are `uplink` and `eth0`"
    );
}

#[test]
fn reject_a_bridge_port() {
    assert_eq!(
        rendered(
            "node a\nbridge br0 10.1.0.1/24\na 10.1.0.2/24 -- br0:port\nforward host:port tcp 80 to 10.1.0.2:80"
        ),
        "\
error: `port` is a port of bridge `br0`
 --> topology:4:14
  |
4 | forward host:port tcp 80 to 10.1.0.2:80
  |              ^^^^ what arrives on a bridge port is bridged, not routed, so no forward sees it
  |
  = help: forward what arrives on the bridge: write `forward host:br0 ...`"
    );
}

#[test]
fn reject_a_target_the_owner_cannot_reach() {
    assert_eq!(
        rendered(&with("forward host:uplink tcp 80 to 10.9.0.2:80")),
        "\
error: target `10.9.0.2` is not reachable from `host`
 --> topology:4:31
  |
4 | forward host:uplink tcp 80 to 10.9.0.2:80
  |                               ^^^^^^^^^^^ no address of `host` is on a prefix that holds `10.9.0.2`, and no route of `host` leads there
  |
  = help: the IPv4 prefixes of `host` are `192.0.2.0/24` and `10.0.0.0/24`; forward to an address inside one of them, or add a route to it: `route host DEST via GATEWAY`"
    );
    assert_eq!(
        only_error(
            "node a\na 10.0.0.1/24 -- host 10.0.0.2/24\nforward a:eth0 tcp 80 to [fd00::1]:80"
        )
        .help(),
        Some(
            "`a` has no IPv6 address; give an interface of `a` an address in the target's \
             prefix, or add a route to it: `route a DEST via GATEWAY`"
        )
    );
    // A default route of the other family does not lead there.
    assert_eq!(
        summary(&with(
            "route host default via 192.0.2.1\nforward host:uplink tcp 80 to [fd09::1]:80"
        )),
        ["5:31 target `fd09::1` is not reachable from `host`"]
    );
}

#[test]
fn reject_a_target_that_is_no_servers_address() {
    let cases = [
        ("127.0.0.1:80", "target `127.0.0.1` is a loopback address"),
        ("224.0.0.1:80", "target `224.0.0.1` is a multicast address"),
        ("0.0.0.0:80", "target `0.0.0.0` is the unspecified address"),
        ("[fe80::1]:80", "link-local target `fe80::1`"),
        (
            "10.0.0.255:80",
            "target `10.0.0.255` is the broadcast address of `10.0.0.0/24`",
        ),
        (
            "10.0.0.0:80",
            "target `10.0.0.0` is the network address of `10.0.0.0/24`",
        ),
    ];
    for (target, message) in cases {
        let src = with(&format!(
            "route host default via 192.0.2.1\nforward host:uplink tcp 80 to {target}"
        ));
        assert_eq!(only_error(&src).message(), message, "{target}");
    }
}

#[test]
fn reject_a_second_forward_of_one_port() {
    assert_eq!(
        rendered(&with(
            "forward host:uplink tcp 8080 to 10.0.0.2:80\nforward host:uplink tcp 8080 to 10.0.0.2:81"
        )),
        "\
error: second forward of tcp port 8080 on `host:uplink`
 --> topology:5:21
  |
5 | forward host:uplink tcp 8080 to 10.0.0.2:81
  |                     ^^^^^^^^ `host:uplink` already forwards tcp port 8080 to `10.0.0.2:80` at line 4, column 21
  |
  = help: a port of an interface goes to one target: remove one of the two, or forward another port"
    );
}

#[test]
fn report_every_mistake_at_once() {
    assert_eq!(
        summary(&with(
            "forward host:uplink tcp 0 to 10.0.0.2:80\n\
             forward host:nope udp 53 to 10.9.9.9:53\n\
             forward host:uplink tcp 80 to 10.0.0.2:80\n\
             forward host:uplink tcp 80 to 10.0.0.3:80"
        )),
        [
            "4:25 port 0 is out of range",
            "5:14 `host` has no interface `nope`",
            "5:29 target `10.9.9.9` is not reachable from `host`",
            "7:21 second forward of tcp port 80 on `host:uplink`",
        ]
    );
}

#[test]
fn not_blame_a_target_whose_route_has_an_error() {
    assert_eq!(
        summary(&with(
            "route host 10.9.0.0/16 via\nforward host:uplink tcp 80 to 10.9.0.2:80"
        )),
        ["4:24 `via` without a gateway"]
    );
}

#[test]
fn be_a_reserved_word() {
    assert_eq!(
        summary("router forward"),
        ["1:8 `forward` is a reserved name"]
    );
    for alias in ["dnat", "port-forward"] {
        assert!(only_error(&format!("{alias} host:eth0"))
            .help()
            .is_some_and(|h| h.starts_with("did you mean `forward`?")));
    }
}
