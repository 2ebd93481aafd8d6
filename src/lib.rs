//! The end-to-end suite of netns-test: `tests/` and `examples/` exercise the
//! framework on real namespaces. This library only holds a unit test, to show
//! that `#[netns_test]` works in `src/` as well as in `tests/`.

#[cfg(test)]
mod tests {
    use netns_test::{netns_test, Net};

    #[netns_test(topology = "
        node a
        a:eth0 10.9.0.1/24 -- host:eth0 10.9.0.2/24
    ")]
    fn works_in_a_unit_test_inside_src(net: &Net) {
        net.node("a").ping("10.9.0.2".parse().unwrap()).unwrap();
    }
}
