//! The forwarder: one thread per impaired direction, inside the hidden
//! namespace, that receives each frame the impaired end sent, asks the
//! [`Shaper`] what becomes of it, and sends the copies when they are due.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use netns_test_topology::ImpairmentPlan;
use nix::poll::{PollFd, PollFlags};
use nix::sys::time::TimeSpec;

use super::shaper::{Shaper, QUEUE_LIMIT};
use super::sys;
use crate::sandbox::ns;

/// Frames read per wake-up before due frames are sent: keeps a flood in one
/// direction from starving the sending.
const BATCH: usize = 64;
/// Larger than any frame a veth carries (its MTU is at most 65535).
const FRAME_BUF: usize = 65_536 + 64;

/// What one direction did, for failure reports.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) frames: AtomicU64,
    pub(crate) lost: AtomicU64,
    pub(crate) overflow: AtomicU64,
    pub(crate) duplicated: AtomicU64,
    pub(crate) corrupted: AtomicU64,
}

/// A running forwarder. Stops when dropped.
#[derive(Debug)]
pub(crate) struct Forwarder {
    plan: Arc<Mutex<ImpairmentPlan>>,
    pub(crate) counters: Arc<Counters>,
    /// Closing it wakes the thread up to stop.
    stop: Option<OwnedFd>,
    /// Copies of the thread's packet sockets.
    pub(crate) sockets: Vec<OwnedFd>,
    thread: Option<JoinHandle<()>>,
}

impl Forwarder {
    /// Starts the thread `name` in `netns`: frames received on interface
    /// `from` go out of interface `to`, impaired by `plan`, with random
    /// decisions from `seed`. Returns once both sockets are bound: from
    /// then on no frame is missed.
    pub(crate) fn start(
        netns: BorrowedFd<'_>,
        name: &str,
        from: u32,
        to: u32,
        plan: ImpairmentPlan,
        seed: u64,
    ) -> io::Result<Forwarder> {
        let netns = netns.try_clone_to_owned()?;
        let (stop_rx, stop_tx) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let plan = Arc::new(Mutex::new(plan));
        let counters = Arc::new(Counters::default());
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread = {
            let plan = Arc::clone(&plan);
            let counters = Arc::clone(&counters);
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    let sockets = ns::enter(netns.as_fd()).and_then(|()| {
                        // Due times are kept to the microsecond, not the
                        // default 50 µs of timer slack.
                        let _ = nix::sys::prctl::set_timerslack(1);
                        Ok((
                            sys::packet_socket(from, true)?,
                            sys::packet_socket(to, false)?,
                        ))
                    });
                    let copies = sockets.as_ref().map_err(|_| ()).and_then(|(rx, tx)| {
                        Ok(vec![
                            rx.try_clone().map_err(|_| ())?,
                            tx.try_clone().map_err(|_| ())?,
                        ])
                    });
                    match sockets {
                        Ok((rx, tx)) => {
                            let _ = ready_tx.send(Ok(copies.unwrap_or_default()));
                            forward(&rx, &tx, &stop_rx, &plan, &counters, seed);
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                })?
        };
        let started = ready_rx
            .recv()
            .map_err(|_| io::Error::other("the forwarder thread ended before it was ready"))
            .and_then(|r| r);
        let (sockets, started) = match started {
            Ok(sockets) => (sockets, Ok(())),
            Err(e) => (Vec::new(), Err(e)),
        };
        let forwarder = Forwarder {
            plan,
            counters,
            stop: Some(stop_tx),
            thread: Some(thread),
            sockets,
        };
        started.map(|()| forwarder)
    }

    /// Replaces the impairment, from the next frame on.
    pub(crate) fn set(&self, plan: ImpairmentPlan) {
        *self.plan.lock().unwrap_or_else(|p| p.into_inner()) = plan;
    }

    /// The impairment in force.
    pub(crate) fn plan(&self) -> ImpairmentPlan {
        *self.plan.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A frame waiting for its time, ordered by due time, then arrival.
type Queued = Reverse<(Instant, u64, Vec<u8>)>;

/// The thread's loop; returns when `stop` closes or a socket fails.
fn forward(
    rx: &OwnedFd,
    tx: &OwnedFd,
    stop: &OwnedFd,
    plan: &Mutex<ImpairmentPlan>,
    counters: &Counters,
    seed: u64,
) {
    let mut shaper = Shaper::new(seed);
    let mut queue: BinaryHeap<Queued> = BinaryHeap::with_capacity(QUEUE_LIMIT);
    let mut order = 0u64;
    let mut buf = vec![0u8; FRAME_BUF];
    loop {
        let timeout = queue.peek().map(|Reverse((at, _, _))| {
            TimeSpec::from_duration(at.saturating_duration_since(Instant::now()))
        });
        let mut fds = [
            PollFd::new(rx.as_fd(), PollFlags::POLLIN),
            PollFd::new(stop.as_fd(), PollFlags::POLLIN),
        ];
        match nix::poll::ppoll(&mut fds, timeout, None) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return,
        }
        if fds[1].revents().is_some_and(|r| !r.is_empty()) {
            return;
        }
        for _ in 0..BATCH {
            let len = match sys::recv_frame(rx, &mut buf) {
                Ok(Some(len)) => len.min(buf.len()),
                Ok(None) => break,
                Err(_) => return,
            };
            let now = Instant::now();
            let current = *plan.lock().unwrap_or_else(|p| p.into_inner());
            let decision = shaper.admit(&current, now, len, queue.len());
            counters.frames.fetch_add(1, Ordering::Relaxed);
            if decision.overflow {
                counters.overflow.fetch_add(1, Ordering::Relaxed);
            } else if decision.copies.is_empty() {
                counters.lost.fetch_add(1, Ordering::Relaxed);
            }
            if decision.copies.len() > 1 {
                counters.duplicated.fetch_add(1, Ordering::Relaxed);
            }
            for copy in decision.copies {
                let mut frame = buf[..len].to_vec();
                if let Some((byte, mask)) = copy.flip {
                    if let Some(b) = frame.get_mut(byte) {
                        *b ^= mask;
                        counters.corrupted.fetch_add(1, Ordering::Relaxed);
                    }
                }
                order += 1;
                queue.push(Reverse((copy.at, order, frame)));
            }
        }
        let now = Instant::now();
        while queue.peek().is_some_and(|Reverse((at, _, _))| *at <= now) {
            if let Some(Reverse((_, _, frame))) = queue.pop() {
                // A full peer backlog drops the frame, as a wire would.
                let _ = sys::send_frame(tx, &frame);
            }
        }
    }
}
