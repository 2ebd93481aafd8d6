use netns_test::netns_test;

// Names Linux renames (`%d`) or refuses (`all`, `default`).
#[netns_test(topology = "
    node a
    bridge default
    a:eth%d -- host:all
")]
fn topology_interface_names_the_kernel_refuses() {}

fn main() {}
