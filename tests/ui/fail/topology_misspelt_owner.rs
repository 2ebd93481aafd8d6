use netns_test::netns_test;

// The typo alone is reported: no follow-on error about `server` having no
// address for its gateway.
#[netns_test(topology = "
    node server, client
    sever 10.0.0.1/24 -- client 10.0.0.2/24
    route server default via 10.0.0.2
    route client default via 10.0.0.1
")]
fn topology_misspelt_owner() {}

fn main() {}
