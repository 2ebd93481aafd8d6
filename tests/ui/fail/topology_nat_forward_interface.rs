use netns_test::netns_test;

// The interface must be one of the owner's, automatic names included:
// `host`'s only interface here is the automatic `eth0`.
#[netns_test(topology = "
    node web
    host 10.0.0.1/24 -- web 10.0.0.2/24
    nat host:eth1
    forward web:eth1 tcp 8080 to 10.0.0.1:80
")]
fn topology_nat_forward_interface() {}

fn main() {}
