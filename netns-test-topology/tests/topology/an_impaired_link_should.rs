//! `delay=`, `jitter=`, `loss=`, `duplicate=`, `reorder=`, `corrupt=`,
//! `rate=`: what the plan holds, and the exact error for every mistake.

use std::time::Duration;

use netns_test_topology::{ImpairmentPlan, PPM_PER_PERCENT};

use crate::support::{only_error, plan, rendered, summary};

/// The impairment of the only link of `node a, b` and `a -- b OPTIONS`.
fn impairment(options: &str) -> Option<ImpairmentPlan> {
    let plan = plan(&format!("node a, b\na -- b {options}"));
    assert_eq!(plan.links.len(), 1);
    plan.links[0].impairment
}

/// The error summaries of `a -- b OPTIONS`, line 2.
fn mistakes(options: &str) -> Vec<String> {
    summary(&format!("node a, b\na -- b {options}"))
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn plan_every_option_of_a_link() {
    let plan = plan(
        "node a, b\n\
         a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 delay=20ms jitter=5ms loss=1% rate=10mbit",
    );
    assert_eq!(
        plan.links[0].impairment,
        Some(ImpairmentPlan {
            delay: ms(20),
            jitter: ms(5),
            loss_ppm: 10_000,
            duplicate_ppm: 0,
            reorder_ppm: 0,
            corrupt_ppm: 0,
            rate: Some(10_000_000),
        })
    );
    assert_eq!(
        impairment("delay=1.5ms duplicate=0.5% reorder=25% corrupt=0.1%"),
        Some(ImpairmentPlan {
            delay: Duration::from_micros(1_500),
            duplicate_ppm: 5_000,
            reorder_ppm: 250_000,
            corrupt_ppm: 1_000,
            ..ImpairmentPlan::default()
        })
    );
}

#[test]
fn plan_none_for_a_link_without_impairment_options() {
    assert_eq!(impairment(""), None);
    assert_eq!(impairment("mtu=1400"), None);
}

#[test]
fn plan_an_impairment_of_zeros_for_options_that_do_nothing() {
    assert_eq!(impairment("loss=0%"), Some(ImpairmentPlan::default()));
    assert_eq!(impairment("delay=0ms"), Some(ImpairmentPlan::default()));
}

#[test]
fn combine_with_mtu_in_any_order() {
    let expected = Some(ImpairmentPlan {
        delay: ms(10),
        loss_ppm: 2 * PPM_PER_PERCENT,
        ..ImpairmentPlan::default()
    });
    for options in [
        "mtu=1400 delay=10ms loss=2%",
        "delay=10ms mtu=1400 loss=2%",
        "loss=2% delay=10ms mtu=1400",
    ] {
        let plan = plan(&format!("node a, b\na -- b {options}"));
        assert_eq!(plan.links[0].mtu, Some(1400), "{options}");
        assert_eq!(plan.links[0].impairment, expected, "{options}");
    }
}

#[test]
fn impair_a_bridge_port_link() {
    let plan = plan("node a\nbridge br 10.0.0.1/24\na 10.0.0.2/24 -- br rate=1gbit delay=2ms");
    let link = &plan.links[0];
    assert_eq!(link.b.bridge, Some(0));
    assert_eq!(
        link.impairment,
        Some(ImpairmentPlan {
            delay: ms(2),
            rate: Some(1_000_000_000),
            ..ImpairmentPlan::default()
        })
    );
}

#[test]
fn read_decimals_exactly() {
    let loss = |text: &str| impairment(&format!("loss={text}")).map(|i| i.loss_ppm);
    // f64 would make 0.1% 999.9999999999999 ppm, 0.7% 6999.999999999999.
    assert_eq!(loss("0.1%"), Some(1_000));
    assert_eq!(loss("0.7%"), Some(7_000));
    assert_eq!(loss("0.0001%"), Some(1));
    assert_eq!(loss("33.3333%"), Some(333_333));
    assert_eq!(loss("0.50%"), Some(5_000));
    let rate = |text: &str| impairment(&format!("rate={text}")).and_then(|i| i.rate);
    assert_eq!(rate("1.5kbit"), Some(1_500));
    assert_eq!(rate("0.001kbit"), Some(1));
    assert_eq!(rate("2.5gbit"), Some(2_500_000_000));
    let delay = |text: &str| impairment(&format!("delay={text}")).map(|i| i.delay);
    assert_eq!(delay("1us"), Some(Duration::from_micros(1)));
    assert_eq!(delay("0.001ms"), Some(Duration::from_micros(1)));
    assert_eq!(delay("0.3s"), Some(ms(300)));
}

#[test]
fn accept_the_limits() {
    assert_eq!(
        impairment("delay=60s jitter=60s loss=100% rate=100gbit"),
        Some(ImpairmentPlan {
            delay: Duration::from_secs(60),
            jitter: Duration::from_secs(60),
            loss_ppm: 100 * PPM_PER_PERCENT,
            rate: Some(100_000_000_000),
            ..ImpairmentPlan::default()
        })
    );
}

#[test]
fn allow_a_jitter_larger_than_the_delay() {
    // The kernel clamps a delay below zero at zero.
    assert_eq!(
        impairment("delay=1ms jitter=5ms").map(|i| i.jitter),
        Some(ms(5))
    );
}

#[test]
fn reject_an_unknown_option_suggesting_the_closest() {
    assert_eq!(
        rendered("node a, b\na -- b dealy=20ms"),
        "\
error: unknown link option `dealy`
 --> topology:2:8
  |
2 | a -- b dealy=20ms
  |        ^^^^^^^^^^ not a link option
  |
  = help: did you mean `delay`? The link options are `mtu=N`, `delay=` and `jitter=` (`us`, `ms`, `s`), `loss=`, `duplicate=`, `reorder=` and `corrupt=` (`%`), and `rate=` (`kbit`, `mbit`, `gbit`), e.g. `a -- b delay=20ms loss=1%`"
    );
    assert!(only_error("node a, b\na -- b lose=1%")
        .help()
        .is_some_and(|h| h.starts_with("did you mean `loss`?")));
    assert!(only_error("node a, b\na -- b speed=10mbit")
        .help()
        .is_some_and(|h| h.starts_with("the link options are")));
}

#[test]
fn reject_an_option_given_twice() {
    assert_eq!(
        rendered("node a, b\na -- b loss=1% delay=5ms loss=2%"),
        "\
error: `loss` is given twice
 --> topology:2:26
  |
2 | a -- b loss=1% delay=5ms loss=2%
  |                          ^^^^^^^ second `loss`
  |
  = help: give each link one `loss=`; it applies to both directions"
    );
    // Even when the first one was malformed.
    assert_eq!(
        mistakes("rate=fast rate=10mbit"),
        ["2:8 `fast` is not a rate", "2:18 `rate` is given twice"]
    );
}

#[test]
fn reject_a_missing_unit_showing_the_right_forms() {
    assert_eq!(
        rendered("node a, b\na -- b delay=20"),
        "\
error: `delay=20` has no unit
 --> topology:2:8
  |
2 | a -- b delay=20
  |        ^^^^^^^^ expected `us`, `ms` or `s` after the number
  |
  = help: write `delay=20ms`, or `20us`, `20s`: a duration takes `us`, `ms` or `s`, decimals allowed (`1.5ms`)"
    );
    assert_eq!(
        only_error("node a, b\na -- b rate=10").help(),
        Some(
            "write `rate=10mbit`, or `10kbit`, `10gbit`: bits per second, 1000-based, \
             decimals allowed (`1.5mbit`)"
        )
    );
    let loss = only_error("node a, b\na -- b loss=1");
    assert_eq!(loss.message(), "`loss=1` has no `%`");
    assert_eq!(
        loss.help(),
        Some("write `loss=1%`: a share of packets in percent, decimals allowed (`0.5%`)")
    );
}

#[test]
fn reject_a_unit_detached_from_its_number_as_one_mistake() {
    assert_eq!(
        rendered("node a, b\na -- b delay=20 ms"),
        "\
error: a space between `delay=20` and its unit
 --> topology:2:8
  |
2 | a -- b delay=20 ms
  |        ^^^^^^^^^^^ the number and its unit are one word
  |
  = help: write `delay=20ms`, with no space before the unit"
    );
    assert_eq!(mistakes("loss= 1%"), ["2:8 `loss=` without a value"]);
    assert_eq!(
        only_error("node a, b\na -- b delay = 20ms").help(),
        Some("write `delay=20ms`, with no spaces around `=`")
    );
    assert_eq!(mistakes("jitter"), ["2:8 `jitter` without a value"]);
}

#[test]
fn reject_an_unknown_unit_showing_the_right_forms() {
    assert_eq!(
        rendered("node a, b\na -- b rate=10mb"),
        "\
error: unknown unit `mb` in `rate=10mb`
 --> topology:2:8
  |
2 | a -- b rate=10mb
  |        ^^^^^^^^^ expected `kbit`, `mbit` or `gbit`
  |
  = help: write `rate=10mbit`, or `10kbit`, `10gbit`: bits per second, 1000-based, decimals allowed (`1.5mbit`)"
    );
    assert_eq!(
        only_error("node a, b\na -- b delay=20sec").help(),
        Some("did you mean `s`? Write `delay=20s`")
    );
    assert_eq!(
        only_error("node a, b\na -- b delay=2msec").help(),
        Some("did you mean `ms`? Write `delay=2ms`")
    );
    assert_eq!(
        only_error("node a, b\na -- b rate=1.5Gbit").help(),
        Some("did you mean `gbit`? Write `rate=1.5gbit`")
    );
    assert_eq!(
        mistakes("loss=1ms"),
        ["2:8 unknown unit `ms` in `loss=1ms`"]
    );
}

#[test]
fn reject_a_value_that_is_not_a_number() {
    assert_eq!(
        rendered("node a, b\na -- b delay=lots"),
        "\
error: `lots` is not a duration
 --> topology:2:8
  |
2 | a -- b delay=lots
  |        ^^^^^^^^^^ expected a number and `us`, `ms` or `s`
  |
  = help: write `delay=20ms`, or `20us`, `20s`: a duration takes `us`, `ms` or `s`, decimals allowed (`1.5ms`)"
    );
    assert_eq!(
        mistakes("delay=.5ms loss=1.2.3% rate=1e3kbit corrupt=%"),
        [
            "2:8 `.5ms` is not a duration",
            "2:19 `1.2.3%` is not a percentage",
            "2:31 `1e3kbit` is not a rate",
            "2:44 `%` is not a percentage",
        ]
    );
    assert_eq!(mistakes("duplicate="), ["2:8 `duplicate=` without a value"]);
}

#[test]
fn reject_a_negative_value() {
    assert_eq!(
        rendered("node a, b\na -- b delay=-5ms"),
        "\
error: `delay=-5ms` is negative
 --> topology:2:8
  |
2 | a -- b delay=-5ms
  |        ^^^^^^^^^^ a delay is zero or more
  |
  = help: write e.g. `delay=20ms`"
    );
    assert_eq!(
        mistakes("loss=-1% rate=-1mbit"),
        [
            "2:8 `loss=-1%` is negative",
            "2:17 `rate=-1mbit` is negative"
        ]
    );
}

#[test]
fn reject_a_percentage_over_100() {
    assert_eq!(
        rendered("node a, b\na -- b loss=150%"),
        "\
error: `loss=150%` is over 100%
 --> topology:2:8
  |
2 | a -- b loss=150%
  |        ^^^^^^^^^ a share of packets is 0% to 100%
  |
  = help: write e.g. `loss=1%`"
    );
    assert_eq!(
        mistakes("delay=1ms duplicate=100.0001% reorder=999999999999999999999999%"),
        [
            "2:18 `duplicate=100.0001%` is over 100%",
            "2:38 `reorder=999999999999999999999999%` is over 100%",
        ]
    );
}

#[test]
fn reject_a_rate_of_zero_in_any_unit() {
    assert_eq!(
        rendered("node a, b\na -- b rate=0mbit"),
        "\
error: `rate=0mbit` lets nothing through
 --> topology:2:8
  |
2 | a -- b rate=0mbit
  |        ^^^^^^^^^^ a rate of zero stops the link
  |
  = help: remove `rate=` for an unlimited link"
    );
    for zero in ["0", "0kbit", "0.0gbit", "0.000"] {
        assert_eq!(
            mistakes(&format!("rate={zero}")),
            [format!("2:8 `rate={zero}` lets nothing through")]
        );
    }
}

#[test]
fn reject_a_rate_faster_than_a_veth() {
    assert_eq!(
        rendered("node a, b\na -- b rate=101gbit"),
        "\
error: `rate=101gbit` is over 100gbit
 --> topology:2:8
  |
2 | a -- b rate=101gbit
  |        ^^^^^^^^^^^^ a veth does not go faster
  |
  = help: remove `rate=` for an unlimited link"
    );
}

#[test]
fn reject_a_delay_or_jitter_over_a_minute() {
    assert_eq!(
        rendered("node a, b\na -- b delay=61s"),
        "\
error: `delay=61s` is longer than 60s
 --> topology:2:8
  |
2 | a -- b delay=61s
  |        ^^^^^^^^^ a delay is at most 60s
  |
  = help: write at most `delay=60s`, e.g. `delay=20ms`"
    );
    assert_eq!(
        mistakes("delay=1ms jitter=60000001us"),
        ["2:18 `jitter=60000001us` is longer than 60s"]
    );
    assert_eq!(
        mistakes("delay=99999999999999999999999999s"),
        ["2:8 `delay=99999999999999999999999999s` is longer than 60s"]
    );
}

#[test]
fn reject_a_value_finer_than_the_resolution() {
    assert_eq!(
        rendered("node a, b\na -- b delay=0.5us"),
        "\
error: `delay=0.5us` is finer than 1us
 --> topology:2:8
  |
2 | a -- b delay=0.5us
  |        ^^^^^^^^^^^ a duration is counted in whole microseconds
  |
  = help: round it to whole microseconds"
    );
    assert_eq!(
        rendered("node a, b\na -- b loss=0.00001%"),
        "\
error: `loss=0.00001%` is finer than 0.0001%
 --> topology:2:8
  |
2 | a -- b loss=0.00001%
  |        ^^^^^^^^^^^^^ a percentage is counted in whole parts per million (0.0001% is 1)
  |
  = help: round it to at most 4 decimals"
    );
    assert_eq!(
        mistakes("rate=1.0005kbit delay=1.0000001s"),
        [
            "2:8 `rate=1.0005kbit` is finer than 1 bit per second",
            "2:24 `delay=1.0000001s` is finer than 1us",
        ]
    );
}

#[test]
fn reject_a_jitter_without_a_delay() {
    assert_eq!(
        rendered("node a, b\na -- b jitter=5ms"),
        "\
error: `jitter=5ms` without a delay
 --> topology:2:8
  |
2 | a -- b jitter=5ms
  |        ^^^^^^^^^^ jitter varies the delay of each packet, and this link has no `delay=`
  |
  = help: give the link a delay too: `delay=20ms jitter=5ms`"
    );
    assert_eq!(
        mistakes("delay=0ms jitter=5ms"),
        ["2:18 `jitter=5ms` with `delay=0ms`"]
    );
    let zero = only_error("node a, b\na -- b delay=0s jitter=5ms");
    assert_eq!(
        zero.label(),
        "jitter varies the delay of each packet, and this link's delay is zero"
    );
    assert_eq!(
        zero.help(),
        Some("make the delay more than zero: `delay=20ms jitter=5ms`")
    );
}

#[test]
fn reject_a_reordering_without_a_delay() {
    assert_eq!(
        rendered("node a, b\na -- b reorder=25%"),
        "\
error: `reorder=25%` without a delay
 --> topology:2:8
  |
2 | a -- b reorder=25%
  |        ^^^^^^^^^^^ reordering sends some packets at once, ahead of delayed ones, and this link has no `delay=`
  |
  = help: give the link a delay too: `delay=10ms reorder=25%`"
    );
    assert_eq!(
        mistakes("reorder=1% delay=0us jitter=1ms"),
        [
            "2:8 `reorder=1%` with `delay=0us`",
            "2:29 `jitter=1ms` with `delay=0us`"
        ]
    );
}

#[test]
fn not_blame_a_jitter_whose_delay_is_malformed() {
    assert_eq!(
        mistakes("delay=20 jitter=5ms reorder=1%"),
        ["2:8 `delay=20` has no unit"]
    );
}

#[test]
fn reject_an_impairment_before_the_dash_dash() {
    assert_eq!(
        summary("node a, b\na loss=1% -- b"),
        ["2:3 link option `loss=1%` before `--`"]
    );
}

#[test]
fn report_every_mistake_at_once() {
    assert_eq!(
        summary(
            "node a, b\n\
             a -- b dealy=1ms loss=1 rate=0 jitter=2ms\n\
             c -- b reorder=200% corrupt=5%"
        ),
        [
            "2:8 unknown link option `dealy`",
            "2:18 `loss=1` has no `%`",
            "2:25 `rate=0` lets nothing through",
            "2:32 `jitter=2ms` without a delay",
            "3:1 unknown owner `c`",
            "3:8 `reorder=200%` is over 100%",
            // Two mistakes in one word: fixing the first leaves the second.
            "3:8 `reorder=200%` without a delay",
        ]
    );
}
