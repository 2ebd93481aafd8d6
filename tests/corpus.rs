//! A corpus of topologies: "if it compiles, it builds".
//!
//! The table below lists topologies `Topology::from_str` must accept and
//! ones it must reject (each with exactly one mistake, and the start of its
//! message). Every accepted one is also built for real: the `corpus!` macro
//! turns each into a `#[netns_test]` of its own (the attribute needs a
//! literal), whose body checks that the kernel holds what the plan says.
//!
//! The `generated` section combines a few shapes with address families,
//! MTUs and routes. It is written out because the attribute needs literals;
//! `generated_section_is_up_to_date` checks it against [`generated`], and
//! prints the section to paste when they differ.

use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use netns_test::{netns_test, Net, Topology};

macro_rules! corpus {
    (
        accept { $($name:ident: $text:literal,)* }
        generated { $($gen_name:ident: $gen_text:literal,)* }
        reject { $($bad_name:ident: $bad_text:literal => $message:literal,)* }
    ) => {
        /// `(name, text)` of every topology that must be accepted.
        const ACCEPTED: &[(&str, &str)] = &[
            $((stringify!($name), $text),)*
            $((stringify!($gen_name), $gen_text),)*
        ];

        /// `(name, text)` of the generated section, as written.
        const GENERATED: &[(&str, &str)] = &[$((stringify!($gen_name), $gen_text),)*];

        /// `(name, text, start of the one error's message)`.
        const REJECTED: &[(&str, &str, &str)] = &[$((stringify!($bad_name), $bad_text, $message),)*];

        /// Every accepted topology, built in a sandbox of its own.
        mod built {
            use super::*;

            $(
                #[netns_test(topology = $text)]
                fn $name(net: &Net) {
                    holds_its_plan(net, $text);
                }
            )*

            $(
                #[netns_test(topology = $gen_text)]
                fn $gen_name(net: &Net) {
                    holds_its_plan(net, $gen_text);
                }
            )*
        }
    };
}

corpus! {
    accept {
        empty: "",
        nodes_without_links: "node a, b\nrouter r",
        walkthrough: "node ns1\nbridge testbr 10.0.0.1/24\nns1:eth0 10.0.0.100/24 -- testbr:ns1-nic",
        veth_pair_inside_the_host: "host:va 10.0.0.1/24 -- host:vb 10.0.0.2/24",
        prefixes_of_different_lengths: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/16",
        point_to_point_slash_31: "node a, b\na 10.0.0.0/31 -- b 10.0.0.1/31\nroute a 10.9.0.0/16 via 10.0.0.1",
        point_to_point_slash_127: "node a, b\na fd00::/127 -- b fd00::1/127\nroute a fd09::/64 via fd00::1",
        extra_slash_32_address: "node a, b\na 10.0.0.1/24 10.1.1.1/32 -- b 10.0.0.2/24",
        inner_ends_of_a_slash_23: "node a, b\na 10.0.0.255/23 -- b 10.0.1.0/23\nroute a 10.9.0.0/16 via 10.0.1.0\nroute b 10.8.0.0/16 via 10.0.0.255",
        routes_beside_connected_prefixes: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64\nroute a 10.0.0.0/16 via 10.0.0.2\nroute a 10.0.0.0/25 via 10.0.0.2\nroute a fd00::/48 via fd00::2",
        default_routes_of_both_families: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64\nroute a default via 10.0.0.2\nroute a default via fd00::2",
        interface_names_with_dots_and_near_reserved_ones: "node a\na:eth0 10.0.0.1/24 -- host:all0 10.0.0.2/24\na:eth0.100 10.1.0.1/24 -- host:default0 10.1.0.2/24\nsysctl a net.ipv4.conf.eth0.rp_filter=2\nsysctl a net.ipv4.conf.all.rp_filter=0",
        user_link_local_addresses: "node a, b\na fe80::1/64 fd00::1/64 -- b fe80::3e7/64 fd00::2/64",
        bridge_with_addresses_ports_and_routes: "node a, b\nbridge lan 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- lan\nb 10.0.0.2/24 fd00::2/64 -- lan\nroute host 10.9.0.0/16 via 10.0.0.1\nroute a 10.8.0.0/16 via 10.0.0.254",
        bridges_linked_port_to_port: "node x, y\nbridge b1 10.0.0.1/24\nbridge b2\nb1 -- b2\nx 10.0.0.2/24 -- b2\ny 10.0.0.3/24 -- b1",
        two_prefixes_on_one_bridge: "node a, b, c, d\nbridge br\na 10.0.0.1/24 -- br\nb 10.0.0.2/24 -- br\nc 10.1.0.1/24 -- br\nd 10.1.0.2/24 -- br",
        bridge_without_ports: "bridge lonely 10.0.0.1/24",
        router_with_forwarding_turned_off: "router r\nnode a\na 10.0.0.1/24 -- r 10.0.0.2/24\nsysctl r net.ipv4.ip_forward=0",
    }
    generated {
        gen_pair_v4: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24",
        gen_pair_v4_routes: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24\nroute a 10.9.0.0/16 via 10.0.0.2",
        gen_pair_v4_mtu_1280: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24 mtu=1280",
        gen_pair_v4_mtu_1280_routes: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24 mtu=1280\nroute a 10.9.0.0/16 via 10.0.0.2",
        gen_pair_v4_mtu_9000: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24 mtu=9000",
        gen_pair_v4_mtu_9000_routes: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24 mtu=9000\nroute a 10.9.0.0/16 via 10.0.0.2",
        gen_pair_v6: "node a, b\na fd00::1/64 -- b fd00::2/64",
        gen_pair_v6_routes: "node a, b\na fd00::1/64 -- b fd00::2/64\nroute a fd09::/64 via fd00::2",
        gen_pair_v6_mtu_1280: "node a, b\na fd00::1/64 -- b fd00::2/64 mtu=1280",
        gen_pair_v6_mtu_1280_routes: "node a, b\na fd00::1/64 -- b fd00::2/64 mtu=1280\nroute a fd09::/64 via fd00::2",
        gen_pair_v6_mtu_9000: "node a, b\na fd00::1/64 -- b fd00::2/64 mtu=9000",
        gen_pair_v6_mtu_9000_routes: "node a, b\na fd00::1/64 -- b fd00::2/64 mtu=9000\nroute a fd09::/64 via fd00::2",
        gen_pair_dual: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64",
        gen_pair_dual_routes: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64\nroute a 10.9.0.0/16 via 10.0.0.2\nroute a fd09::/64 via fd00::2",
        gen_pair_dual_mtu_1280: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64 mtu=1280",
        gen_pair_dual_mtu_1280_routes: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64 mtu=1280\nroute a 10.9.0.0/16 via 10.0.0.2\nroute a fd09::/64 via fd00::2",
        gen_pair_dual_mtu_9000: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64 mtu=9000",
        gen_pair_dual_mtu_9000_routes: "node a, b\na 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64 mtu=9000\nroute a 10.9.0.0/16 via 10.0.0.2\nroute a fd09::/64 via fd00::2",
        gen_routed_v4: "node a, b\nrouter r\na 10.0.0.2/24 -- r 10.0.0.1/24\nr 10.0.1.1/24 -- b 10.0.1.2/24",
        gen_routed_v4_routes: "node a, b\nrouter r\na 10.0.0.2/24 -- r 10.0.0.1/24\nr 10.0.1.1/24 -- b 10.0.1.2/24\nroute a default via 10.0.0.1\nroute b default via 10.0.1.1",
        gen_routed_v4_mtu_1280: "node a, b\nrouter r\na 10.0.0.2/24 -- r 10.0.0.1/24 mtu=1280\nr 10.0.1.1/24 -- b 10.0.1.2/24 mtu=1280",
        gen_routed_v4_mtu_1280_routes: "node a, b\nrouter r\na 10.0.0.2/24 -- r 10.0.0.1/24 mtu=1280\nr 10.0.1.1/24 -- b 10.0.1.2/24 mtu=1280\nroute a default via 10.0.0.1\nroute b default via 10.0.1.1",
        gen_routed_v4_mtu_9000: "node a, b\nrouter r\na 10.0.0.2/24 -- r 10.0.0.1/24 mtu=9000\nr 10.0.1.1/24 -- b 10.0.1.2/24 mtu=9000",
        gen_routed_v4_mtu_9000_routes: "node a, b\nrouter r\na 10.0.0.2/24 -- r 10.0.0.1/24 mtu=9000\nr 10.0.1.1/24 -- b 10.0.1.2/24 mtu=9000\nroute a default via 10.0.0.1\nroute b default via 10.0.1.1",
        gen_routed_v6: "node a, b\nrouter r\na fd00::2/64 -- r fd00::1/64\nr fd00:1::1/64 -- b fd00:1::2/64",
        gen_routed_v6_routes: "node a, b\nrouter r\na fd00::2/64 -- r fd00::1/64\nr fd00:1::1/64 -- b fd00:1::2/64\nroute a default via fd00::1\nroute b default via fd00:1::1",
        gen_routed_v6_mtu_1280: "node a, b\nrouter r\na fd00::2/64 -- r fd00::1/64 mtu=1280\nr fd00:1::1/64 -- b fd00:1::2/64 mtu=1280",
        gen_routed_v6_mtu_1280_routes: "node a, b\nrouter r\na fd00::2/64 -- r fd00::1/64 mtu=1280\nr fd00:1::1/64 -- b fd00:1::2/64 mtu=1280\nroute a default via fd00::1\nroute b default via fd00:1::1",
        gen_routed_v6_mtu_9000: "node a, b\nrouter r\na fd00::2/64 -- r fd00::1/64 mtu=9000\nr fd00:1::1/64 -- b fd00:1::2/64 mtu=9000",
        gen_routed_v6_mtu_9000_routes: "node a, b\nrouter r\na fd00::2/64 -- r fd00::1/64 mtu=9000\nr fd00:1::1/64 -- b fd00:1::2/64 mtu=9000\nroute a default via fd00::1\nroute b default via fd00:1::1",
        gen_routed_dual: "node a, b\nrouter r\na 10.0.0.2/24 fd00::2/64 -- r 10.0.0.1/24 fd00::1/64\nr 10.0.1.1/24 fd00:1::1/64 -- b 10.0.1.2/24 fd00:1::2/64",
        gen_routed_dual_routes: "node a, b\nrouter r\na 10.0.0.2/24 fd00::2/64 -- r 10.0.0.1/24 fd00::1/64\nr 10.0.1.1/24 fd00:1::1/64 -- b 10.0.1.2/24 fd00:1::2/64\nroute a default via 10.0.0.1\nroute a default via fd00::1\nroute b default via 10.0.1.1\nroute b default via fd00:1::1",
        gen_routed_dual_mtu_1280: "node a, b\nrouter r\na 10.0.0.2/24 fd00::2/64 -- r 10.0.0.1/24 fd00::1/64 mtu=1280\nr 10.0.1.1/24 fd00:1::1/64 -- b 10.0.1.2/24 fd00:1::2/64 mtu=1280",
        gen_routed_dual_mtu_1280_routes: "node a, b\nrouter r\na 10.0.0.2/24 fd00::2/64 -- r 10.0.0.1/24 fd00::1/64 mtu=1280\nr 10.0.1.1/24 fd00:1::1/64 -- b 10.0.1.2/24 fd00:1::2/64 mtu=1280\nroute a default via 10.0.0.1\nroute a default via fd00::1\nroute b default via 10.0.1.1\nroute b default via fd00:1::1",
        gen_routed_dual_mtu_9000: "node a, b\nrouter r\na 10.0.0.2/24 fd00::2/64 -- r 10.0.0.1/24 fd00::1/64 mtu=9000\nr 10.0.1.1/24 fd00:1::1/64 -- b 10.0.1.2/24 fd00:1::2/64 mtu=9000",
        gen_routed_dual_mtu_9000_routes: "node a, b\nrouter r\na 10.0.0.2/24 fd00::2/64 -- r 10.0.0.1/24 fd00::1/64 mtu=9000\nr 10.0.1.1/24 fd00:1::1/64 -- b 10.0.1.2/24 fd00:1::2/64 mtu=9000\nroute a default via 10.0.0.1\nroute a default via fd00::1\nroute b default via 10.0.1.1\nroute b default via fd00:1::1",
        gen_bridge_v4: "node a, b\nbridge br 10.0.0.254/24\na 10.0.0.1/24 -- br\nb 10.0.0.2/24 -- br",
        gen_bridge_v4_routes: "node a, b\nbridge br 10.0.0.254/24\na 10.0.0.1/24 -- br\nb 10.0.0.2/24 -- br\nroute a 10.9.0.0/16 via 10.0.0.254\nroute host 10.9.0.0/16 via 10.0.0.2",
        gen_bridge_v4_mtu_1280: "node a, b\nbridge br 10.0.0.254/24\na 10.0.0.1/24 -- br mtu=1280\nb 10.0.0.2/24 -- br mtu=1280",
        gen_bridge_v4_mtu_1280_routes: "node a, b\nbridge br 10.0.0.254/24\na 10.0.0.1/24 -- br mtu=1280\nb 10.0.0.2/24 -- br mtu=1280\nroute a 10.9.0.0/16 via 10.0.0.254\nroute host 10.9.0.0/16 via 10.0.0.2",
        gen_bridge_v4_mtu_9000: "node a, b\nbridge br 10.0.0.254/24\na 10.0.0.1/24 -- br mtu=9000\nb 10.0.0.2/24 -- br mtu=9000",
        gen_bridge_v4_mtu_9000_routes: "node a, b\nbridge br 10.0.0.254/24\na 10.0.0.1/24 -- br mtu=9000\nb 10.0.0.2/24 -- br mtu=9000\nroute a 10.9.0.0/16 via 10.0.0.254\nroute host 10.9.0.0/16 via 10.0.0.2",
        gen_bridge_v6: "node a, b\nbridge br fd00::fe/64\na fd00::1/64 -- br\nb fd00::2/64 -- br",
        gen_bridge_v6_routes: "node a, b\nbridge br fd00::fe/64\na fd00::1/64 -- br\nb fd00::2/64 -- br\nroute a fd09::/64 via fd00::fe\nroute host fd09::/64 via fd00::2",
        gen_bridge_v6_mtu_1280: "node a, b\nbridge br fd00::fe/64\na fd00::1/64 -- br mtu=1280\nb fd00::2/64 -- br mtu=1280",
        gen_bridge_v6_mtu_1280_routes: "node a, b\nbridge br fd00::fe/64\na fd00::1/64 -- br mtu=1280\nb fd00::2/64 -- br mtu=1280\nroute a fd09::/64 via fd00::fe\nroute host fd09::/64 via fd00::2",
        gen_bridge_v6_mtu_9000: "node a, b\nbridge br fd00::fe/64\na fd00::1/64 -- br mtu=9000\nb fd00::2/64 -- br mtu=9000",
        gen_bridge_v6_mtu_9000_routes: "node a, b\nbridge br fd00::fe/64\na fd00::1/64 -- br mtu=9000\nb fd00::2/64 -- br mtu=9000\nroute a fd09::/64 via fd00::fe\nroute host fd09::/64 via fd00::2",
        gen_bridge_dual: "node a, b\nbridge br 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- br\nb 10.0.0.2/24 fd00::2/64 -- br",
        gen_bridge_dual_routes: "node a, b\nbridge br 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- br\nb 10.0.0.2/24 fd00::2/64 -- br\nroute a 10.9.0.0/16 via 10.0.0.254\nroute a fd09::/64 via fd00::fe\nroute host 10.9.0.0/16 via 10.0.0.2\nroute host fd09::/64 via fd00::2",
        gen_bridge_dual_mtu_1280: "node a, b\nbridge br 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- br mtu=1280\nb 10.0.0.2/24 fd00::2/64 -- br mtu=1280",
        gen_bridge_dual_mtu_1280_routes: "node a, b\nbridge br 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- br mtu=1280\nb 10.0.0.2/24 fd00::2/64 -- br mtu=1280\nroute a 10.9.0.0/16 via 10.0.0.254\nroute a fd09::/64 via fd00::fe\nroute host 10.9.0.0/16 via 10.0.0.2\nroute host fd09::/64 via fd00::2",
        gen_bridge_dual_mtu_9000: "node a, b\nbridge br 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- br mtu=9000\nb 10.0.0.2/24 fd00::2/64 -- br mtu=9000",
        gen_bridge_dual_mtu_9000_routes: "node a, b\nbridge br 10.0.0.254/24 fd00::fe/64\na 10.0.0.1/24 fd00::1/64 -- br mtu=9000\nb 10.0.0.2/24 fd00::2/64 -- br mtu=9000\nroute a 10.9.0.0/16 via 10.0.0.254\nroute a fd09::/64 via fd00::fe\nroute host 10.9.0.0/16 via 10.0.0.2\nroute host fd09::/64 via fd00::2",
        gen_host_v4: "node a\na 10.0.0.1/24 -- host 10.0.0.2/24",
        gen_host_v4_routes: "node a\na 10.0.0.1/24 -- host 10.0.0.2/24\nroute a default via 10.0.0.2\nroute host 10.9.0.0/16 via 10.0.0.1",
        gen_host_v4_mtu_1280: "node a\na 10.0.0.1/24 -- host 10.0.0.2/24 mtu=1280",
        gen_host_v4_mtu_1280_routes: "node a\na 10.0.0.1/24 -- host 10.0.0.2/24 mtu=1280\nroute a default via 10.0.0.2\nroute host 10.9.0.0/16 via 10.0.0.1",
        gen_host_v4_mtu_9000: "node a\na 10.0.0.1/24 -- host 10.0.0.2/24 mtu=9000",
        gen_host_v4_mtu_9000_routes: "node a\na 10.0.0.1/24 -- host 10.0.0.2/24 mtu=9000\nroute a default via 10.0.0.2\nroute host 10.9.0.0/16 via 10.0.0.1",
        gen_host_v6: "node a\na fd00::1/64 -- host fd00::2/64",
        gen_host_v6_routes: "node a\na fd00::1/64 -- host fd00::2/64\nroute a default via fd00::2\nroute host fd09::/64 via fd00::1",
        gen_host_v6_mtu_1280: "node a\na fd00::1/64 -- host fd00::2/64 mtu=1280",
        gen_host_v6_mtu_1280_routes: "node a\na fd00::1/64 -- host fd00::2/64 mtu=1280\nroute a default via fd00::2\nroute host fd09::/64 via fd00::1",
        gen_host_v6_mtu_9000: "node a\na fd00::1/64 -- host fd00::2/64 mtu=9000",
        gen_host_v6_mtu_9000_routes: "node a\na fd00::1/64 -- host fd00::2/64 mtu=9000\nroute a default via fd00::2\nroute host fd09::/64 via fd00::1",
        gen_host_dual: "node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64",
        gen_host_dual_routes: "node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64\nroute a default via 10.0.0.2\nroute a default via fd00::2\nroute host 10.9.0.0/16 via 10.0.0.1\nroute host fd09::/64 via fd00::1",
        gen_host_dual_mtu_1280: "node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64 mtu=1280",
        gen_host_dual_mtu_1280_routes: "node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64 mtu=1280\nroute a default via 10.0.0.2\nroute a default via fd00::2\nroute host 10.9.0.0/16 via 10.0.0.1\nroute host fd09::/64 via fd00::1",
        gen_host_dual_mtu_9000: "node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64 mtu=9000",
        gen_host_dual_mtu_9000_routes: "node a\na 10.0.0.1/24 fd00::1/64 -- host 10.0.0.2/24 fd00::2/64 mtu=9000\nroute a default via 10.0.0.2\nroute a default via fd00::2\nroute host 10.9.0.0/16 via 10.0.0.1\nroute host fd09::/64 via fd00::1",
    }
    reject {
        node_linked_to_itself: "node a\na -- a" => "link from `a` to itself",
        bridge_linked_to_itself: "bridge br\nbr -- br" => "link from `br` to itself",
        network_address: "node a, b\na 10.0.0.0/24 -- b 10.0.0.2/24" => "`10.0.0.0/24` is the network address of `10.0.0.0/24`",
        broadcast_address: "node a, b\na 10.0.0.255/24 -- b 10.0.0.2/24" => "`10.0.0.255/24` is the broadcast address of `10.0.0.0/24`",
        ipv4_multicast_address: "node a, b\na 224.0.0.1/24 -- b 10.0.0.2/24" => "`224.0.0.1/24` is a multicast address",
        ipv6_multicast_address: "node a, b\na ff02::1/64 -- b fd00::2/64" => "`ff02::1/64` is a multicast address",
        ipv6_multicast_prefix: "node a, b\na ff02::/64 -- b fd00::2/64" => "`ff02::/64` is a multicast address",
        ipv6_loopback_address: "node a, b\na ::1/128 -- b fd00::2/64" => "`::1/128` is a loopback address",
        ipv4_loopback_address: "node a, b\na 127.0.0.2/8 -- b 10.0.0.2/24" => "`127.0.0.2/8` is a loopback address",
        unspecified_address: "bridge br 0.0.0.0/32" => "`0.0.0.0/32` is the unspecified address",
        this_network_address: "bridge br 0.1.2.3/8" => "`0.1.2.3/8` is in 0.0.0.0/8",
        subnet_router_anycast_address: "bridge br fd00::/64" => "`fd00::/64` is the subnet-router anycast address",
        slash_0_with_a_route_via_it: "node a, b\na 10.0.0.1/0 -- b 10.0.0.2/24\nroute a 10.9.0.0/16 via 10.0.0.2" => "`10.0.0.1/0` has a /0 prefix",
        prefix_starting_at_zero: "node a, b\na 10.0.0.1/4 -- b 10.0.0.2/24" => "prefix length /4 is too short for `10.0.0.1/4`",
        link_local_netns_test_gives: "node a, b\na fe80::3e8/64 -- b" => "`fe80::3e8/64` may clash with a link-local address of netns-test",
        ends_in_different_prefixes: "node a, b\na 10.0.0.1/24 -- b 10.0.1.2/24" => "`10.0.1.2/24` on `b` shares no prefix with the other end of the link",
        port_in_another_prefix_than_its_bridge: "node a\nbridge br 10.0.0.1/24\na 10.0.1.2/24 -- br" => "`10.0.1.2/24` on `a` shares no prefix with the other addresses on bridge `br`",
        misspelt_owner_alone: "node server, client\nsever 10.0.0.1/24 -- client 10.0.0.2/24\nroute server default via 10.0.0.2" => "unknown owner `sever`",
        route_to_a_connected_prefix: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24\nroute a 10.0.0.0/24 via 10.0.0.2" => "route to `10.0.0.0/24` in `a`, a prefix `a` is on",
        route_to_a_connected_ipv6_prefix: "node a, b\na fd00::1/64 -- b fd00::2/64\nroute a fd00::/64 via fd00::2" => "route to `fd00::/64` in `a`, a prefix `a` is on",
        gateway_at_the_broadcast_address: "node a, b\na 10.0.0.1/24 -- b 10.0.0.2/24\nroute a default via 10.0.0.255" => "gateway `10.0.0.255` is the broadcast address of `10.0.0.0/24`",
        gateway_at_a_multicast_address: "node a, b\na fd00::1/64 -- b fd00::2/64\nroute a default via ff02::2" => "gateway `ff02::2` is a multicast address",
        percent_in_an_interface_name: "node a\na:eth%d -- host" => "invalid interface name `eth%d`",
        interface_named_all: "node a\na:all -- host" => "`all` is a reserved interface name",
        interface_named_default: "node a\na -- host:default" => "`default` is a reserved interface name",
        bridge_named_default: "bridge default" => "`default` is a reserved interface name",
        sysctl_of_a_dotted_interface: "node a\na:eth0.100 -- host\nsysctl a net.ipv4.conf.eth0.100.rp_filter=1" => "sysctl `net.ipv4.conf.eth0.100.rp_filter` names the interface `eth0.100`",
    }
}

#[test]
fn accepted_topologies_parse() {
    for (name, text) in ACCEPTED {
        if let Err(error) = Topology::from_str(text) {
            panic!("`{name}` should be accepted:\n{error}");
        }
    }
}

#[test]
fn rejected_topologies_fail_with_their_one_error() {
    for (name, text, message) in REJECTED {
        let error = match Topology::from_str(text) {
            Ok(_) => panic!("`{name}` should be rejected: {text:?}"),
            Err(error) => error,
        };
        let diagnostics = error.diagnostics();
        assert_eq!(diagnostics.len(), 1, "`{name}`:\n{error}");
        assert!(
            diagnostics[0].message().starts_with(message),
            "`{name}`: expected `{message}`, got:\n{error}"
        );
        assert!(
            diagnostics[0].help().is_some(),
            "`{name}` has no help:\n{error}"
        );
    }
}

#[test]
fn generated_section_is_up_to_date() {
    let expected = generated();
    let written: Vec<(String, String)> = GENERATED
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    if written != expected {
        let section: String = expected
            .iter()
            .map(|(name, text)| format!("        {name}: {text:?},\n"))
            .collect();
        panic!("the generated section is out of date; replace it with:\n{section}");
    }
}

/// Two nodes (`pair`), two nodes behind a router (`routed`), two nodes on
/// a bridge (`bridge`) or one node and the host (`host`); IPv4, IPv6 or
/// both; MTU default, 1280 or 9000; with routes or without.
fn generated() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for shape in ["pair", "routed", "bridge", "host"] {
        for family in [Family::V4, Family::V6, Family::Dual] {
            for mtu in [None, Some(1280), Some(9000)] {
                for routes in [false, true] {
                    let mut name = format!("gen_{shape}_{}", family.name());
                    if let Some(mtu) = mtu {
                        name.push_str(&format!("_mtu_{mtu}"));
                    }
                    if routes {
                        name.push_str("_routes");
                    }
                    out.push((name, shape_text(shape, family, mtu, routes)));
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Family {
    V4,
    V6,
    Dual,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::V4 => "v4",
            Family::V6 => "v6",
            Family::Dual => "dual",
        }
    }

    /// Host `host` of subnet `subnet`, in each family: ` 10.0.1.2/24 fd00:1::2/64`.
    fn addrs(self, subnet: u8, host: u8) -> String {
        let v4 = format!(" 10.0.{subnet}.{host}/24");
        let v6 = format!(" {}/64", v6(subnet, host));
        match self {
            Family::V4 => v4,
            Family::V6 => v6,
            Family::Dual => v4 + &v6,
        }
    }

    /// `route OWNER DEST via GATEWAY` in each family, `default` or to the
    /// far network 9.
    fn routes(self, owner: &str, default: bool, subnet: u8, host: u8) -> String {
        let (v4_dest, v6_dest) = if default {
            ("default".to_string(), "default".to_string())
        } else {
            ("10.9.0.0/16".to_string(), "fd09::/64".to_string())
        };
        let v4 = format!("\nroute {owner} {v4_dest} via 10.0.{subnet}.{host}");
        let v6 = format!("\nroute {owner} {v6_dest} via {}", v6(subnet, host));
        match self {
            Family::V4 => v4,
            Family::V6 => v6,
            Family::Dual => v4 + &v6,
        }
    }
}

/// `fd00:<subnet>::<host>`.
fn v6(subnet: u8, host: u8) -> Ipv6Addr {
    Ipv6Addr::new(0xfd00, subnet.into(), 0, 0, 0, 0, 0, host.into())
}

fn shape_text(shape: &str, family: Family, mtu: Option<u32>, routes: bool) -> String {
    let mtu = mtu.map(|m| format!(" mtu={m}")).unwrap_or_default();
    let f = family;
    let mut text = match shape {
        "pair" => format!("node a, b\na{} -- b{}{mtu}", f.addrs(0, 1), f.addrs(0, 2)),
        "routed" => format!(
            "node a, b\nrouter r\na{} -- r{}{mtu}\nr{} -- b{}{mtu}",
            f.addrs(0, 2),
            f.addrs(0, 1),
            f.addrs(1, 1),
            f.addrs(1, 2)
        ),
        "bridge" => format!(
            "node a, b\nbridge br{}\na{} -- br{mtu}\nb{} -- br{mtu}",
            f.addrs(0, 254),
            f.addrs(0, 1),
            f.addrs(0, 2)
        ),
        _ => format!("node a\na{} -- host{}{mtu}", f.addrs(0, 1), f.addrs(0, 2)),
    };
    if routes {
        let extra = match shape {
            "pair" => f.routes("a", false, 0, 2),
            "routed" => f.routes("a", true, 0, 1) + &f.routes("b", true, 1, 1),
            "bridge" => f.routes("a", false, 0, 254) + &f.routes("host", false, 0, 2),
            _ => f.routes("a", true, 0, 2) + &f.routes("host", false, 0, 1),
        };
        text.push_str(&extra);
    }
    text
}

/// Checks that the namespaces hold what the plan of `text` says: every
/// node, every link end up with its MTU and addresses, every bridge with
/// its addresses, every route, every sysctl.
fn holds_its_plan(net: &Net, text: &str) {
    let topology = Topology::from_str(text).expect("the macro accepted it");
    let plan = topology.plan();
    let state = net.describe();
    let section = |ns: &str| -> Vec<String> {
        let header = format!("{ns}:");
        state
            .lines()
            .skip_while(|line| *line != header)
            .skip(1)
            .take_while(|line| line.starts_with(' '))
            .map(str::to_string)
            .collect()
    };
    let line_of = |ns: &str, ifname: &str| -> String {
        section(ns)
            .into_iter()
            .find(|line| line.split_whitespace().next() == Some(ifname))
            .unwrap_or_else(|| panic!("no `{ifname}` in `{ns}`:\n{state}"))
    };
    for namespace in &plan.namespaces {
        assert_eq!(net.node(&namespace.name).name(), namespace.name);
        assert!(
            !section(&namespace.name).is_empty(),
            "`{}`:\n{state}",
            namespace.name
        );
    }
    for bridge in &plan.bridges {
        let line = line_of("host", &bridge.name);
        for cidr in bridge.addrs.iter().filter(|c| !is_link_local(c.addr)) {
            assert!(
                line.contains(&format!(" {cidr}")),
                "{cidr} on {}:\n{state}",
                bridge.name
            );
        }
    }
    for link in &plan.links {
        for end in [&link.a, &link.b] {
            let ns = &plan.namespaces[end.ns.0].name;
            let line = line_of(ns, &end.ifname);
            let state_column = line.split_whitespace().nth(1);
            assert_eq!(state_column, Some("UP"), "{ns}:{}:\n{state}", end.ifname);
            if let Some(mtu) = link.mtu {
                assert!(
                    line.contains(&format!("mtu {mtu} ")),
                    "{ns}:{}:\n{state}",
                    end.ifname
                );
            }
            for cidr in end.addrs.iter().filter(|c| !is_link_local(c.addr)) {
                assert!(
                    line.contains(&format!(" {cidr}")),
                    "{cidr} on {ns}:\n{state}"
                );
            }
        }
    }
    for route in &plan.routes {
        let ns = &plan.namespaces[route.ns.0].name;
        let dest = route.dest.map_or("default".to_string(), |d| d.to_string());
        let routes = section(ns)
            .into_iter()
            .find(|line| line.trim_start().starts_with("routes:"))
            .unwrap_or_default();
        let wanted = format!("{dest} via {}", route.via);
        assert!(routes.contains(&wanted), "`{wanted}` in {ns}:\n{state}");
    }
    // A later sysctl of the same key wins (a router's forwarding can be
    // turned off).
    let last = |i: usize| {
        let s = &plan.sysctls[i];
        !plan.sysctls[i + 1..]
            .iter()
            .any(|later| later.ns == s.ns && later.key == s.key)
    };
    for sysctl in (0..plan.sysctls.len())
        .filter(|&i| last(i))
        .map(|i| &plan.sysctls[i])
    {
        let node = net.node(&plan.namespaces[sysctl.ns.0].name);
        let path = format!("/proc/sys/{}", sysctl.key.replace('.', "/"));
        let value = node.run(|| std::fs::read_to_string(&path));
        let value = value.unwrap_or_else(|e| panic!("{path} in {}: {e}", node.name()));
        assert_eq!(value.trim(), sysctl.value, "{path} in {}", node.name());
    }
}

/// `describe` leaves IPv6 link-local addresses out.
fn is_link_local(addr: IpAddr) -> bool {
    matches!(addr, IpAddr::V6(ip) if ip.segments()[0] & 0xffc0 == 0xfe80)
}
