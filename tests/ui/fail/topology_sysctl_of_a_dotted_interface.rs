use netns_test::netns_test;

// The key's dots become `/` in /proc/sys, so it cannot name `eth0.100`.
#[netns_test(topology = "
    node a
    a:eth0.100 10.0.0.1/24 -- host 10.0.0.2/24
    sysctl a net.ipv4.conf.eth0.100.rp_filter=1
")]
fn topology_sysctl_of_a_dotted_interface() {}

fn main() {}
