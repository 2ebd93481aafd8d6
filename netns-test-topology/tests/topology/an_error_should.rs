//! The shape of errors: location, excerpt, carets, help, all of them at once.

use netns_test_topology::{Topology, TopologyError};

use crate::support::{errors, only_error, rendered, summary};

fn error(src: &str) -> TopologyError {
    src.parse::<Topology>().expect_err("expected errors")
}

#[test]
fn show_every_error_separated_by_a_blank_line() {
    assert_eq!(
        error("node a, a\nfoo").to_string(),
        "\
error: `a` is declared twice
 --> topology:1:9
  |
1 | node a, a
  |         ^ `a` is already a node at line 1, column 6
  |
  = help: nodes, routers and bridges share one set of names; give each its own

error: unknown statement `foo`
 --> topology:2:1
  |
2 | foo
  | ^^^ not a statement
  |
  = help: the statements are `node NAME[, NAME...]`, `router NAME[, NAME...]`, `bridge NAME [CIDR...]`, `END -- END [OPTION...]`, `route OWNER DEST via ADDR`, `sysctl OWNER KEY=VALUE`, `nat OWNER:IFNAME [random]` and `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`"
    );
}

#[test]
fn put_the_origin_before_line_and_column() {
    let error = error("\nnode ns1\nns2 -- ns1");
    assert_eq!(
        error.render_with_origin("tests/topologies/lan.net"),
        "\
error: unknown owner `ns2`
 --> tests/topologies/lan.net:3:1
  |
3 | ns2 -- ns1
  | ^^^ `ns2` is not a node, router or bridge
  |
  = help: did you mean `ns1`? If not, declare it with `node ns2`, or use one of: ns1, host"
    );
    assert_eq!(
        error.diagnostics()[0].render_with_origin("x"),
        error.render_with_origin("x")
    );
}

#[test]
fn expose_each_part_of_a_diagnostic() {
    let diagnostic = only_error("node a\n  a:eth0 -- zulu");
    assert_eq!((diagnostic.line(), diagnostic.column()), (2, 13));
    assert_eq!(diagnostic.span(), 19..23);
    assert_eq!(diagnostic.message(), "unknown owner `zulu`");
    assert_eq!(diagnostic.label(), "`zulu` is not a node, router or bridge");
    assert_eq!(
        diagnostic.help(),
        Some("declare it with `node zulu`, or use one of: a, host")
    );
    assert_eq!(diagnostic.source_line(), "  a:eth0 -- zulu");
}

#[test]
fn leave_out_help_when_there_is_none() {
    assert!(!rendered("bridge br 10.0.0.1/33").contains("help"));
}

#[test]
fn count_columns_in_characters_and_widen_the_gutter_for_long_line_numbers() {
    let src = format!("{}node a, é", "\n".repeat(9));
    assert_eq!(
        rendered(&src),
        "\
error: invalid node name `é`
  --> topology:10:9
   |
10 | node a, é
   |         ^ a name starts with an ASCII letter, not `é`
   |
   = help: a name is an ASCII letter followed by ASCII letters, digits, `-` and `_`"
    );
}

#[test]
fn align_carets_under_tabs() {
    let error = rendered("\tnode\ta,\t2x");
    assert!(
        error.contains("1 |     node    a,    2x\n  |                   ^^ "),
        "{error}"
    );
    assert!(error.contains("topology:1:10"), "{error}");
}

#[test]
fn come_in_text_order() {
    let lines: Vec<usize> = errors("node a\nfoo\nnode a\nbar\nx -- a")
        .iter()
        .map(|d| d.line())
        .collect();
    assert_eq!(lines, [2, 3, 4, 5]);
}

#[test]
fn report_several_mistakes_on_one_line() {
    assert_eq!(
        summary("node a\na:x/y 10.0.0.1 -- ghost mtu=1"),
        [
            "2:3 invalid interface name `x/y`",
            "2:7 `10.0.0.1` has no prefix length",
            "2:19 unknown owner `ghost`",
            "2:25 mtu=1 is out of range",
        ]
    );
}

#[test]
fn be_an_std_error_that_can_be_cloned_and_compared() {
    let error = error("foo");
    let boxed: Box<dyn std::error::Error> = Box::new(error.clone());
    assert_eq!(boxed.to_string(), error.to_string());
    assert_eq!(error.clone(), error);
}

#[test]
fn report_a_misspelt_owner_without_a_follow_on_error_where_it_was_meant() {
    assert_eq!(
        summary(
            "node server, client
             sever 10.0.0.1/24 -- client 10.0.0.2/24
             route server default via 10.0.0.2
             route client default via 10.0.0.1"
        ),
        ["2:14 unknown owner `sever`"]
    );
    assert_eq!(
        only_error("node server\nsever 10.0.0.1/24 -- host\nroute server default via 10.0.0.2")
            .help(),
        Some("did you mean `server`? If not, declare it with `node sever`, or use one of: server, host")
    );
}

#[test]
fn still_check_gateways_where_no_typo_was_meant() {
    assert_eq!(
        summary(
            "node server, client, other
             xyz 10.0.0.1/24 -- client 10.0.0.2/24
             route other default via 10.0.0.2"
        ),
        [
            "2:14 unknown owner `xyz`",
            "3:38 gateway `10.0.0.2` is not reachable from `other`"
        ]
    );
}
