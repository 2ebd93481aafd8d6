//! The bounded store of captured frames: the newest frames up to a count
//! and a byte budget; what falls out is counted per interface.

use std::collections::{HashMap, VecDeque};
use std::time::SystemTime;

/// One captured frame, before it is named and handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// Index of the namespace (0: the host).
    pub(crate) ns: usize,
    /// The interface index in that namespace.
    pub(crate) ifindex: u32,
    /// Sent by the interface (`PACKET_OUTGOING`), else received.
    pub(crate) outgoing: bool,
    pub(crate) time: SystemTime,
    /// The frame, cut at the snap length.
    pub(crate) data: Vec<u8>,
    /// Its length on the wire.
    pub(crate) len: u32,
}

/// The newest frames within the bounds.
#[derive(Debug)]
pub(crate) struct Store {
    frames: VecDeque<Record>,
    bytes: usize,
    max_frames: usize,
    max_bytes: usize,
    /// Frames evicted, per (namespace, interface index).
    dropped: HashMap<(usize, u32), u64>,
    /// Frames the kernel dropped before the capture read them.
    kernel: u64,
}

impl Store {
    pub(crate) fn new(max_frames: usize, max_bytes: usize) -> Store {
        Store {
            frames: VecDeque::new(),
            bytes: 0,
            max_frames: max_frames.max(1),
            max_bytes,
            dropped: HashMap::new(),
            kernel: 0,
        }
    }

    /// Keeps `record`, evicting the oldest frames past the bounds.
    pub(crate) fn push(&mut self, record: Record) {
        self.bytes += record.data.len();
        self.frames.push_back(record);
        while self.frames.len() > self.max_frames
            || (self.bytes > self.max_bytes && self.frames.len() > 1)
        {
            let Some(old) = self.frames.pop_front() else {
                break;
            };
            self.bytes -= old.data.len();
            *self.dropped.entry((old.ns, old.ifindex)).or_insert(0) += 1;
        }
    }

    /// The frames kept, oldest first.
    pub(crate) fn frames(&self) -> impl Iterator<Item = &Record> {
        self.frames.iter()
    }

    /// Counts `n` frames the kernel dropped before they were read.
    pub(crate) fn lost_by_kernel(&mut self, n: u64) {
        self.kernel += n;
    }

    /// Frames the kernel dropped before they were read.
    pub(crate) fn kernel_drops(&self) -> u64 {
        self.kernel
    }

    /// Frames evicted from interface `ifindex` of namespace `ns`.
    pub(crate) fn dropped(&self, ns: usize, ifindex: u32) -> u64 {
        self.dropped.get(&(ns, ifindex)).copied().unwrap_or(0)
    }

    /// Every interface that lost frames, with how many.
    pub(crate) fn all_dropped(&self) -> impl Iterator<Item = ((usize, u32), u64)> + '_ {
        self.dropped.iter().map(|(k, v)| (*k, *v))
    }

    /// The bytes of frame data kept.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ns: usize, len: usize) -> Record {
        Record {
            ns,
            ifindex: 2,
            outgoing: false,
            time: SystemTime::UNIX_EPOCH,
            data: vec![0; len],
            len: len as u32,
        }
    }

    #[test]
    fn the_newest_frames_stay_within_both_bounds_and_the_rest_are_counted() {
        let mut store = Store::new(3, 250);
        for _ in 0..5 {
            store.push(record(0, 100));
        }
        assert_eq!(store.frames().count(), 2, "250 bytes hold two of 100");
        assert_eq!(store.dropped(0, 2), 3);
        let mut store = Store::new(3, 10_000);
        for ns in 0..5 {
            store.push(record(ns, 10));
        }
        let kept: Vec<_> = store.frames().map(|r| r.ns).collect();
        assert_eq!(kept, [2, 3, 4]);
        assert_eq!(store.bytes(), 30);
    }

    #[test]
    fn one_frame_larger_than_the_budget_is_still_kept() {
        let mut store = Store::new(10, 50);
        store.push(record(0, 100));
        assert_eq!(store.frames().count(), 1);
    }
}
