//! 100 tests that all use the same interface names, addresses and port run
//! in parallel without seeing each other: each has its own namespaces.
//!
//! Each test also checks that its server sees exactly one connection, so a
//! leak between tests would fail it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use netns_test::{netns_test, Net};

fn exchange(net: &Net, token: &str) {
    let listener = net
        .node("b")
        .run(|| TcpListener::bind("10.0.0.2:7000").unwrap());
    let token_owned = token.to_string();
    let client = net.node("a").spawn(move || {
        let mut s = TcpStream::connect("10.0.0.2:7000").unwrap();
        s.write_all(token_owned.as_bytes()).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut back = String::new();
        s.read_to_string(&mut back).unwrap();
        back
    });
    let (mut conn, peer) = listener.accept().unwrap();
    let mut got = String::new();
    conn.read_to_string(&mut got).unwrap();
    conn.write_all(got.as_bytes()).unwrap();
    drop(conn);
    assert_eq!(peer.ip().to_string(), "10.0.0.1");
    assert_eq!(got, token);
    assert_eq!(client.join().unwrap(), token);
    listener.set_nonblocking(true).unwrap();
    assert!(
        listener.accept().is_err(),
        "a second connection reached this test's server"
    );
}

macro_rules! same_network {
    ($($name:ident)*) => {$(
        #[netns_test(topology = "
            node a, b
            a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
        ")]
        fn $name(net: &Net) {
            exchange(net, stringify!($name));
        }
    )*};
}

same_network! {
    same_addresses_000 same_addresses_001 same_addresses_002 same_addresses_003 same_addresses_004
    same_addresses_005 same_addresses_006 same_addresses_007 same_addresses_008 same_addresses_009
    same_addresses_010 same_addresses_011 same_addresses_012 same_addresses_013 same_addresses_014
    same_addresses_015 same_addresses_016 same_addresses_017 same_addresses_018 same_addresses_019
    same_addresses_020 same_addresses_021 same_addresses_022 same_addresses_023 same_addresses_024
    same_addresses_025 same_addresses_026 same_addresses_027 same_addresses_028 same_addresses_029
    same_addresses_030 same_addresses_031 same_addresses_032 same_addresses_033 same_addresses_034
    same_addresses_035 same_addresses_036 same_addresses_037 same_addresses_038 same_addresses_039
    same_addresses_040 same_addresses_041 same_addresses_042 same_addresses_043 same_addresses_044
    same_addresses_045 same_addresses_046 same_addresses_047 same_addresses_048 same_addresses_049
    same_addresses_050 same_addresses_051 same_addresses_052 same_addresses_053 same_addresses_054
    same_addresses_055 same_addresses_056 same_addresses_057 same_addresses_058 same_addresses_059
    same_addresses_060 same_addresses_061 same_addresses_062 same_addresses_063 same_addresses_064
    same_addresses_065 same_addresses_066 same_addresses_067 same_addresses_068 same_addresses_069
    same_addresses_070 same_addresses_071 same_addresses_072 same_addresses_073 same_addresses_074
    same_addresses_075 same_addresses_076 same_addresses_077 same_addresses_078 same_addresses_079
    same_addresses_080 same_addresses_081 same_addresses_082 same_addresses_083 same_addresses_084
    same_addresses_085 same_addresses_086 same_addresses_087 same_addresses_088 same_addresses_089
    same_addresses_090 same_addresses_091 same_addresses_092 same_addresses_093 same_addresses_094
    same_addresses_095 same_addresses_096 same_addresses_097 same_addresses_098 same_addresses_099
}
