//! Medians and percentiles.

/// A sample of durations in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Summary {
    pub(crate) n: usize,
    pub(crate) median: f64,
    pub(crate) p90: f64,
    pub(crate) mean: f64,
}

/// Summarizes `values` (seconds); all zero when empty.
pub(crate) fn summarize(values: &[f64]) -> Summary {
    if values.is_empty() {
        return Summary::default();
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Summary {
        n: sorted.len(),
        median: percentile(&sorted, 0.5),
        p90: percentile(&sorted, 0.9),
        mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
    }
}

/// The `q` quantile of sorted `values`, by linear interpolation.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Seconds as milliseconds for the table.
pub(crate) fn ms(seconds: f64) -> String {
    let ms = seconds * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod stats_should {
    use super::*;

    #[test]
    fn take_the_middle_and_the_ninetieth_percentile() {
        let s = summarize(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!((s.n, s.median, s.mean), (5, 3.0, 3.0));
        assert!((s.p90 - 4.6).abs() < 1e-9);
    }

    #[test]
    fn summarize_nothing_as_zero() {
        assert_eq!(summarize(&[]).n, 0);
    }
}
