//! The benchmark's workloads: `#[netns_test]`s, each in many identical copies
//! so that one run of this binary times many sandboxes (libtest runs a test
//! at most once per process): 1000 of the TCP pair, 300 of
//! the small ones, 10 of the big setups. All are `#[ignore]`d: `cargo test --workspace`
//! skips them, and the driver (`src/main.rs`) runs them with
//! `--include-ignored`. Copy `NNN` of workload `w` is named `w::dN::dN::dN::run`.
//!
//! The impaired-link workloads (`impaired::*`, in `workloads/impaired.rs`)
//! measure traffic rather than setup, so each exists once.

#[path = "workloads/impaired.rs"]
mod impaired;

/// `copies!{ items }` makes 1000 copies of `items`, in modules `d0::d0::d0`
/// to `d9::d9::d9`.
macro_rules! copies {
    ($($body:tt)*) => {
        tens! { tens! { tens! { $($body)* } } }
    };
}

/// Ten modules `d0` to `d9` holding `items`.
macro_rules! tens {
    ($($body:tt)*) => {
        mod d0 { $($body)* } mod d1 { $($body)* } mod d2 { $($body)* }
        mod d3 { $($body)* } mod d4 { $($body)* } mod d5 { $($body)* }
        mod d6 { $($body)* } mod d7 { $($body)* } mod d8 { $($body)* }
        mod d9 { $($body)* }
    };
}

/// `some_copies!{ items }` makes 300 copies of `items`, in modules
/// `d0::d0::d0` to `d2::d9::d9`.
macro_rules! some_copies {
    ($($body:tt)*) => {
        mod d0 { tens! { tens! { $($body)* } } }
        mod d1 { tens! { tens! { $($body)* } } }
        mod d2 { tens! { tens! { $($body)* } } }
    };
}

/// Ten copies, in modules `d0` to `d9` of `d0::d0` (for slow workloads).
macro_rules! ten_copies {
    ($($body:tt)*) => {
        mod d0 { mod d0 { tens! { $($body)* } } }
    };
}

/// A bare `#[netns_test]`: one namespace, `lo` up.
mod w_bare {
    some_copies! {
        #[::netns_test::netns_test]
        #[ignore = "benchmark workload"]
        fn run() {}
    }
}

/// The walk-through: one node, a bridge with an address; a ping each way.
mod w_walk {
    some_copies! {
        #[::netns_test::netns_test(topology = "
            node ns1
            bridge testbr 10.0.0.1/24
            ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
        ")]
        #[ignore = "benchmark workload"]
        fn run(net: &::netns_test::Net) {
            net.host().ping([10, 0, 0, 100].into()).expect("host -> ns1");
            net.node("ns1").ping([10, 0, 0, 1].into()).expect("ns1 -> host");
        }
    }
}

/// Two nodes on a direct veth, one TCP connect and one byte each way.
mod w_tcp {
    copies! {
        #[::netns_test::netns_test(topology = "
            node a, b
            a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
        ")]
        #[ignore = "benchmark workload"]
        fn run(net: &::netns_test::Net) {
            use std::io::{Read, Write};
            let listener = net
                .node("b")
                .run(|| std::net::TcpListener::bind("10.0.0.2:7000").expect("bind"));
            let mut client = net
                .node("a")
                .run(|| std::net::TcpStream::connect("10.0.0.2:7000").expect("connect"));
            let (mut server, _) = listener.accept().expect("accept");
            let mut byte = [0u8; 1];
            client.write_all(b"?").expect("client write");
            server.read_exact(&mut byte).expect("server read");
            server.write_all(b"!").expect("server write");
            client.read_exact(&mut byte).expect("client read");
            assert_eq!(&byte, b"!");
        }
    }
}

/// A LAN: 8 nodes on one bridge, each pinging the bridge's address.
mod w_lan8 {
    some_copies! {
        #[::netns_test::netns_test(topology = "
            node n1, n2, n3, n4, n5, n6, n7, n8
            bridge lan 10.0.0.254/24
            n1:eth0 10.0.0.1/24 -- lan
            n2:eth0 10.0.0.2/24 -- lan
            n3:eth0 10.0.0.3/24 -- lan
            n4:eth0 10.0.0.4/24 -- lan
            n5:eth0 10.0.0.5/24 -- lan
            n6:eth0 10.0.0.6/24 -- lan
            n7:eth0 10.0.0.7/24 -- lan
            n8:eth0 10.0.0.8/24 -- lan
        ")]
        #[ignore = "benchmark workload"]
        fn run(net: &::netns_test::Net) {
            for node in net.nodes() {
                node.ping([10, 0, 0, 254].into()).expect("node -> bridge");
            }
        }
    }
}

/// Setup of 32 nodes on one bridge (the body does nothing).
mod w_setup32 {
    ten_copies! {
        #[::netns_test::netns_test(topology_file = "tests/topologies/lan32.net")]
        #[ignore = "benchmark workload"]
        fn run() {}
    }
}

/// Setup of 128 nodes on one bridge (the body does nothing).
mod w_setup128 {
    ten_copies! {
        #[::netns_test::netns_test(topology_file = "tests/topologies/lan128.net")]
        #[ignore = "benchmark workload"]
        fn run() {}
    }
}
