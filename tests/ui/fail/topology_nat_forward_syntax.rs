use netns_test::netns_test;

// `nat` and `forward` written wrong: no `:IFNAME`, a word other than
// `random`, a protocol other than `tcp`/`udp`, no `to`, a bad `ADDR:PORT`.
#[netns_test(topology = "
    node isp, web
    host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
    host 10.0.0.1/24 -- web 10.0.0.2/24
    nat host
    nat host:uplink randon
    forward host:uplink tpc 8080 to 10.0.0.2:80
    forward host:uplink tcp 8081 10.0.0.2:80
    forward host:uplink tcp 8082 to fd00::2:80
")]
fn topology_nat_forward_syntax() {}

fn main() {}
