//! Impaired links without netem: delay, jitter, loss, duplication,
//! reordering, corruption and a rate, on each end's outgoing traffic.
//!
//! An impaired end's frames are taken from it and passed through a
//! forwarder (a thread of the test process) in a hidden namespace, then
//! handed to the peer as if they had come straight over the veth:
//!
//! ```text
//! a:eth0 ──(clsact egress: mirred redirect)──> a:impNo ═ veth ═ hidden:oN
//!                                                                   │ forwarder: AF_PACKET in,
//!                                                                   │ delay, loss, rate ..., out
//! b:eth0 <──(clsact ingress: mirred redirect)── b:impNi ═ veth ═ hidden:iN
//! ```
//!
//! Only what `a` sends is impaired; what `b` sends goes over the veth as
//! before. `b:impNi` carries `b:eth0`'s MAC address, so frames for `b` are
//! still addressed to the host there. The impaired end sends complete
//! frames (no checksum or segmentation offload), so loss and corruption
//! hit single packets, as on a wire. Links, addresses, routes and sockets
//! are untouched, and an unimpaired link has no forwarder at all.
//!
//! Every random decision comes from a generator seeded per test and per
//! interface ([`rng`]); `NETNS_TEST_SEED` replays a seed.

mod forwarder;
mod path;
mod rng;
mod shaper;
mod sys;

use std::time::Duration;

use netns_test_topology::{ImpairmentPlan, PPM_PER_PERCENT};

pub(crate) use path::Impairments;

/// Replays a test's random impairment decisions: the seed a failure
/// report printed.
pub(crate) const SEED: &str = "NETNS_TEST_SEED";

/// What to do to the packets an interface sends, for [`Node::impair`]:
/// `Impairment::new()` alone is a clean link (it clears what was set).
///
/// ```no_run
/// # use std::time::Duration;
/// # use netns_test::{Impairment, Net};
/// # fn body(net: &Net) -> std::io::Result<()> {
/// net.node("client").impair(
///     "eth0",
///     Impairment::new().delay(Duration::from_millis(50)).loss(30.0),
/// )?;
/// # Ok(()) }
/// ```
///
/// [`Node::impair`]: crate::Node::impair
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Impairment {
    plan: ImpairmentPlan,
}

impl Impairment {
    /// A clean link: nothing delayed, lost or limited.
    pub fn new() -> Impairment {
        Impairment::default()
    }

    /// Adds `delay` to every packet.
    pub fn delay(mut self, delay: Duration) -> Impairment {
        self.plan.delay = delay;
        self
    }

    /// Varies the delay uniformly by up to `jitter` either way (never below
    /// zero); packets may then overtake each other, as on a real path.
    pub fn jitter(mut self, jitter: Duration) -> Impairment {
        self.plan.jitter = jitter;
        self
    }

    /// Drops `percent` of the packets (0 to 100).
    ///
    /// # Panics
    /// At the caller's line, for a percentage outside 0 to 100.
    #[track_caller]
    pub fn loss(mut self, percent: f64) -> Impairment {
        self.plan.loss_ppm = ppm("loss", percent);
        self
    }

    /// Sends `percent` of the packets twice.
    ///
    /// # Panics
    /// At the caller's line, for a percentage outside 0 to 100.
    #[track_caller]
    pub fn duplicate(mut self, percent: f64) -> Impairment {
        self.plan.duplicate_ppm = ppm("duplicate", percent);
        self
    }

    /// Sends `percent` of the packets at once, ahead of the delayed others.
    ///
    /// # Panics
    /// At the caller's line, for a percentage outside 0 to 100.
    #[track_caller]
    pub fn reorder(mut self, percent: f64) -> Impairment {
        self.plan.reorder_ppm = ppm("reorder", percent);
        self
    }

    /// Flips one bit in `percent` of the packets (after the Ethernet
    /// header: the receiver's checksums catch it).
    ///
    /// # Panics
    /// At the caller's line, for a percentage outside 0 to 100.
    #[track_caller]
    pub fn corrupt(mut self, percent: f64) -> Impairment {
        self.plan.corrupt_ppm = ppm("corrupt", percent);
        self
    }

    /// Limits the link to `bits_per_second` (0: unlimited); packets queue
    /// behind each other, up to 1000, and more are dropped.
    pub fn rate(mut self, bits_per_second: u64) -> Impairment {
        self.plan.rate = (bits_per_second > 0).then_some(bits_per_second);
        self
    }

    /// Whether this is a clean link.
    pub fn is_clean(&self) -> bool {
        self.plan == ImpairmentPlan::default()
    }

    pub(crate) fn plan(&self) -> ImpairmentPlan {
        self.plan
    }
}

impl From<ImpairmentPlan> for Impairment {
    fn from(plan: ImpairmentPlan) -> Impairment {
        Impairment { plan }
    }
}

#[track_caller]
fn ppm(what: &str, percent: f64) -> u32 {
    assert!(
        (0.0..=100.0).contains(&percent),
        "Impairment::{what}({percent}): a percentage is 0 to 100"
    );
    (percent * f64::from(PPM_PER_PERCENT)).round() as u32
}

/// `delay 10ms jitter 2ms loss 1% ...`, for reports.
pub(crate) fn describe(plan: &ImpairmentPlan) -> String {
    let mut parts = Vec::new();
    if !plan.delay.is_zero() {
        parts.push(format!("delay {:?}", plan.delay));
    }
    if !plan.jitter.is_zero() {
        parts.push(format!("jitter {:?}", plan.jitter));
    }
    for (name, ppm) in [
        ("loss", plan.loss_ppm),
        ("duplicate", plan.duplicate_ppm),
        ("reorder", plan.reorder_ppm),
        ("corrupt", plan.corrupt_ppm),
    ] {
        if ppm > 0 {
            parts.push(format!(
                "{name} {}%",
                f64::from(ppm) / f64::from(PPM_PER_PERCENT)
            ));
        }
    }
    if let Some(rate) = plan.rate {
        parts.push(format!("rate {rate} bit/s"));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_become_parts_per_million() {
        let imp = Impairment::new().loss(1.5).duplicate(100.0).corrupt(0.0001);
        assert_eq!(imp.plan().loss_ppm, 15_000);
        assert_eq!(imp.plan().duplicate_ppm, 1_000_000);
        assert_eq!(imp.plan().corrupt_ppm, 1);
        assert!(Impairment::new().is_clean());
        assert!(Impairment::new().rate(0).is_clean());
    }

    #[test]
    #[should_panic(expected = "Impairment::loss(101): a percentage is 0 to 100")]
    fn a_percentage_over_100_panics() {
        let _ = Impairment::new().loss(101.0);
    }

    #[test]
    fn a_report_names_what_is_set() {
        let imp = Impairment::new()
            .delay(Duration::from_millis(10))
            .loss(1.0)
            .rate(10_000_000);
        assert_eq!(
            describe(&imp.plan()),
            "delay 10ms loss 1% rate 10000000 bit/s"
        );
    }
}
