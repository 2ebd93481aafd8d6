//! What an impaired link does to each frame, decided without I/O: whether it
//! is lost, when each copy leaves, whether a bit of it is flipped. The
//! forwarder asks; tests replay it.
//!
//! For every frame the generator is drawn the same number of times in the
//! same order (loss, corruption and where, duplication, reordering, then
//! jitter for each copy), so a seed gives the same decisions to the same
//! frames whatever the configuration.

use std::time::{Duration, Instant};

use netns_test_topology::ImpairmentPlan;

use super::rng::Rng;

/// Frames waiting in one direction at most: more are dropped at the tail,
/// as a full queue drops them (netem's default limit).
pub(crate) const QUEUE_LIMIT: usize = 1000;
/// Ethernet header: corruption flips a bit after it, so that the frame
/// still reaches the receiver, whose checksums catch it.
const ETHERNET_HEADER: usize = 14;

/// One copy of a frame to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Copy {
    /// When it leaves.
    pub(crate) at: Instant,
    /// A bit to flip first: byte index and bit mask.
    pub(crate) flip: Option<(usize, u8)>,
}

/// The decision for one frame: no copies when it is lost.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Decision {
    pub(crate) copies: Vec<Copy>,
    /// Dropped because the queue was full, not by `loss=`.
    pub(crate) overflow: bool,
}

/// The state of one direction of an impaired link.
#[derive(Debug)]
pub(crate) struct Shaper {
    rng: Rng,
    /// When the simulated wire is free again (`rate=`).
    wire_free: Option<Instant>,
}

impl Shaper {
    pub(crate) fn new(seed: u64) -> Shaper {
        Shaper {
            rng: Rng::new(seed),
            wire_free: None,
        }
    }

    /// Decides the fate of a frame of `len` bytes that arrived at `now`
    /// while `queued` frames wait.
    pub(crate) fn admit(
        &mut self,
        plan: &ImpairmentPlan,
        now: Instant,
        len: usize,
        queued: usize,
    ) -> Decision {
        let rng = &mut self.rng;
        let lost = rng.chance(plan.loss_ppm);
        let corrupt = rng.chance(plan.corrupt_ppm);
        let position = rng.next_u64();
        let duplicate = rng.chance(plan.duplicate_ppm);
        let reorder = rng.chance(plan.reorder_ppm);
        let jitters = [rng.next_u64(), rng.next_u64()];
        if lost {
            return Decision::default();
        }
        if queued >= QUEUE_LIMIT {
            return Decision {
                copies: Vec::new(),
                overflow: true,
            };
        }
        let flip = (corrupt && len > ETHERNET_HEADER).then(|| {
            let bits = (len - ETHERNET_HEADER) as u64 * 8;
            let bit = position % bits;
            (ETHERNET_HEADER + (bit / 8) as usize, 1u8 << (bit % 8))
        });
        // The simulated wire: a frame starts once the one before has left.
        let start = self.wire_free.map_or(now, |free| free.max(now));
        let sent = match plan.rate {
            Some(rate) if rate > 0 => {
                start + Duration::from_nanos((len as u64 * 8).saturating_mul(1_000_000_000) / rate)
            }
            _ => start,
        };
        self.wire_free = Some(sent);
        let copies = if duplicate { 2 } else { 1 };
        let copies = jitters[..copies]
            .iter()
            .map(|&draw| Copy {
                at: if reorder {
                    sent
                } else {
                    sent + delay(plan, draw)
                },
                flip,
            })
            .collect();
        Decision {
            copies,
            overflow: false,
        }
    }
}

/// The delay with jitter: uniform in `delay ± jitter`, never below zero.
fn delay(plan: &ImpairmentPlan, draw: u64) -> Duration {
    let base = plan.delay.as_nanos() as u64;
    let jitter = plan.jitter.as_nanos() as u64;
    if jitter == 0 {
        return plan.delay;
    }
    let offset = ((u128::from(draw) * u128::from(2 * jitter + 1)) >> 64) as u64;
    Duration::from_nanos((base + offset).saturating_sub(jitter))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> ImpairmentPlan {
        ImpairmentPlan::default()
    }

    #[test]
    fn a_clean_plan_sends_every_frame_at_once_untouched() {
        let mut shaper = Shaper::new(1);
        let now = Instant::now();
        let d = shaper.admit(&plan(), now, 100, 0);
        assert_eq!(
            d.copies,
            [Copy {
                at: now,
                flip: None
            }]
        );
    }

    #[test]
    fn a_delay_is_added_and_jitter_stays_within_its_bounds() {
        let mut shaper = Shaper::new(1);
        let now = Instant::now();
        let p = ImpairmentPlan {
            delay: Duration::from_millis(20),
            jitter: Duration::from_millis(5),
            ..plan()
        };
        let delays: Vec<_> = (0..1000)
            .map(|_| shaper.admit(&p, now, 100, 0).copies[0].at - now)
            .collect();
        assert!(delays.iter().all(|d| (15..=25).contains(&d.as_millis())));
        assert!(
            delays.iter().any(|d| d.as_millis() < 17) && delays.iter().any(|d| d.as_millis() > 23)
        );
    }

    #[test]
    fn loss_drops_its_share_and_the_same_seed_drops_the_same_frames() {
        let p = ImpairmentPlan {
            loss_ppm: 100_000,
            ..plan()
        };
        let run = |seed| {
            let mut shaper = Shaper::new(seed);
            let now = Instant::now();
            (0..2000)
                .map(|_| shaper.admit(&p, now, 100, 0).copies.is_empty())
                .collect::<Vec<_>>()
        };
        let lost = run(9).iter().filter(|&&l| l).count();
        assert!((160..240).contains(&lost), "{lost} of 2000 at 10%");
        assert_eq!(run(9), run(9));
        assert_ne!(run(9), run(10));
    }

    #[test]
    fn a_rate_spaces_frames_by_their_length() {
        let mut shaper = Shaper::new(1);
        let now = Instant::now();
        let p = ImpairmentPlan {
            rate: Some(8_000_000),
            ..plan()
        };
        // 1000 bytes at 8 Mbit/s: 1 ms each, back to back.
        let times: Vec<_> = (0..3)
            .map(|_| shaper.admit(&p, now, 1000, 0).copies[0].at - now)
            .collect();
        assert_eq!(times, [1, 2, 3].map(Duration::from_millis));
    }

    #[test]
    fn duplicates_corruption_and_reordering_do_what_they_say() {
        let mut shaper = Shaper::new(1);
        let now = Instant::now();
        let p = ImpairmentPlan {
            delay: Duration::from_millis(10),
            duplicate_ppm: 1_000_000,
            corrupt_ppm: 1_000_000,
            reorder_ppm: 1_000_000,
            ..plan()
        };
        let d = shaper.admit(&p, now, 60, 0);
        assert_eq!(d.copies.len(), 2);
        assert!(d.copies.iter().all(|c| c.at == now), "reordered: no delay");
        let (byte, mask) = d.copies[0].flip.expect("corrupted");
        assert!((14..60).contains(&byte) && mask.count_ones() == 1);
    }

    #[test]
    fn a_full_queue_drops_at_the_tail() {
        let mut shaper = Shaper::new(1);
        let d = shaper.admit(&plan(), Instant::now(), 60, QUEUE_LIMIT);
        assert!(d.copies.is_empty() && d.overflow);
    }
}
