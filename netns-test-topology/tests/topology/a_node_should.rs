//! `node NAME[, NAME...]` and `router NAME[, NAME...]`.

use netns_test_topology::NsKind;

use crate::support::{plan, rendered, summary};

#[test]
fn declare_every_name_of_the_list() {
    let plan = plan("node a, b,c\nrouter r");
    let names: Vec<&str> = plan.namespaces.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["host", "a", "b", "c", "r"]);
    assert_eq!(plan.namespaces[4].kind, NsKind::Router);
}

#[test]
fn reject_a_duplicate_node() {
    assert_eq!(
        rendered("node a\nnode b, a"),
        "\
error: `a` is declared twice
 --> topology:2:9
  |
2 | node b, a
  |         ^ `a` is already a node at line 1, column 6
  |
  = help: nodes, routers and bridges share one set of names; give each its own"
    );
}

#[test]
fn reject_a_router_and_a_bridge_with_one_name() {
    assert_eq!(
        summary("router x\nbridge x\nnode x"),
        ["2:8 `x` is declared twice", "3:6 `x` is declared twice"]
    );
    assert_eq!(
        only_label("router x\nbridge x"),
        "`x` is already a router at line 1, column 8"
    );
}

fn only_label(src: &str) -> String {
    crate::support::only_error(src).label().to_owned()
}

#[test]
fn reject_the_reserved_name_host() {
    assert_eq!(
        rendered("router host"),
        "\
error: `host` is a reserved name
 --> topology:1:8
  |
1 | router host
  |        ^^^^ `host` is the namespace the test body runs in
  |
  = help: pick another name for the router; write `host` in links, routes and sysctls to mean the test's own namespace"
    );
}

#[test]
fn reject_a_statement_keyword_as_a_name() {
    assert_eq!(
        rendered("node a, route"),
        "\
error: `route` is a reserved name
 --> topology:1:9
  |
1 | node a, route
  |         ^^^^^ `route` starts a statement
  |
  = help: pick another name for the node"
    );
}

#[test]
fn reject_a_name_that_is_not_an_identifier() {
    assert_eq!(
        rendered("node 2fast"),
        "\
error: invalid node name `2fast`
 --> topology:1:6
  |
1 | node 2fast
  |      ^^^^^ a name starts with an ASCII letter, not `2`
  |
  = help: a name is an ASCII letter followed by ASCII letters, digits, `-` and `_`"
    );
    assert_eq!(
        crate::support::only_error("node a.b").label(),
        "`.` is not allowed in a name"
    );
    assert_eq!(
        crate::support::only_error("router é").label(),
        "a name starts with an ASCII letter, not `é`"
    );
}

#[test]
fn still_know_a_misnamed_node_afterwards() {
    assert_eq!(
        summary("node a.b\na.b -- host"),
        ["1:6 invalid node name `a.b`"]
    );
}

#[test]
fn reject_an_empty_node_list() {
    assert_eq!(
        rendered("  node  "),
        "\
error: `node` without a name
 --> topology:1:3
  |
1 |   node  
  |   ^^^^ expected a node name after `node`
  |
  = help: write `node a` or `node a, b`"
    );
    assert_eq!(summary("router # no name"), ["1:1 `router` without a name"]);
}

#[test]
fn reject_names_without_a_comma_between_them_but_still_declare_them() {
    assert_eq!(
        rendered("node a b\na -- b"),
        "\
error: expected `,` before `b`
 --> topology:1:8
  |
1 | node a b
  |        ^ names are separated by commas
  |
  = help: write `node a, b`"
    );
}

#[test]
fn reject_a_stray_comma() {
    assert_eq!(
        summary("node a,"),
        ["1:7 trailing `,` after the last node name"]
    );
    assert_eq!(
        summary("node ,a"),
        ["1:6 expected a name after `node`, found `,`"]
    );
    assert_eq!(
        summary("node a,,b"),
        ["1:8 expected a name after `,`, found `,`"]
    );
    assert_eq!(
        summary("node ,"),
        ["1:6 expected a name after `node`, found `,`"]
    );
}
