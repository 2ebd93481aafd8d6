//! The child side: check where we are, build the network, run the body and
//! report to the parent. Never returns to libtest.

use std::fs::File;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use std::time::{Duration, Instant};

use netns_test_topology::Topology;

use super::config;
use super::ns;
use super::outcome::Message;
use super::{hosts, signals, spawn};
use crate::__private::{ShouldPanic, TestDef};
use crate::capture;
use crate::net::{self, BuildError, Net};

/// The outcome pipe, shared by the test thread and the watchdog. The first
/// to report a final result wins; the other stays silent. Only the process
/// that started the body may report: a copy of this in a process the body
/// forked reports that it is foreign instead, which fails the test.
struct Reporter {
    pipe: File,
    done: bool,
    /// The pid of the process that runs the body.
    owner: u32,
}

impl Reporter {
    /// Sends `messages` unless a final result was already sent, then marks
    /// the test done. Returns whether it sent them.
    fn finish(&mut self, messages: &[Message]) -> bool {
        let pid = std::process::id();
        if pid != self.owner {
            let _ = Message::Foreign(pid).send(&mut self.pipe);
            return false;
        }
        if self.done {
            return false;
        }
        self.done = true;
        for m in messages {
            // A broken pipe means the parent is gone; nothing left to tell.
            let _ = m.send(&mut self.pipe);
        }
        true
    }

    /// Hands `fds` to the parent to close later (see `spawn::hand_off`);
    /// only the process that runs the body may.
    fn hand_off(&mut self, fds: &[std::os::fd::BorrowedFd<'_>]) {
        if std::process::id() != self.owner || fds.is_empty() {
            return;
        }
        use std::os::fd::AsFd;
        // Failing, the sockets close with this process, only more slowly.
        let _ = spawn::hand_off(self.pipe.as_fd(), &Message::HandOff.encode(), fds);
    }
}

/// Set when this process is a fork of the fork server (not an `execve` of
/// the test binary), for the timings line.
pub(crate) static FORKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Where the child's topology comes from.
pub(crate) enum Source<'a> {
    /// The text `#[netns_test]` checked at compile time.
    Text(&'static str),
    /// A topology the test built or parsed at run time.
    Parsed(&'a Topology),
}

/// What the picture of the test's network is drawn from, kept for a
/// failure (and for a watchdog thread, so owned or static).
#[derive(Clone)]
enum Drawn {
    Text(&'static str),
    Parsed(Topology),
}

impl Drawn {
    fn of(source: &Source<'_>) -> Drawn {
        match source {
            Source::Text(text) => Drawn::Text(text),
            Source::Parsed(topology) => Drawn::Parsed((*topology).clone()),
        }
    }

    /// The SVG picture (the text was checked when the test was compiled).
    fn svg(&self) -> String {
        match self {
            Drawn::Text(text) => Topology::from_str(text)
                .map(|t| t.to_svg())
                .unwrap_or_default(),
            Drawn::Parsed(topology) => topology.to_svg(),
        }
    }

    /// Writes the picture beside the capture `file` in `dir`; the report's
    /// line.
    fn save(&self, dir: &std::path::Path, file: &str) -> String {
        crate::capture::save_picture(dir, file, &self.svg())
    }
}

/// A body to run once, whatever its kind.
pub(crate) type Body<'a> = Box<dyn FnOnce(&Net) -> Result<(), String> + 'a>;

/// What the child builds and runs.
struct Work<'a> {
    source: Source<'a>,
    body: Body<'a>,
}

/// Runs the test body in this (already sandboxed) process and exits.
pub(crate) fn run(def: &TestDef, name: &str, source: Source<'_>, body: Body<'_>) -> ! {
    let pipe = outcome_pipe();
    let parent_netns = std::env::var(config::PARENT_NETNS);
    let pause = std::env::var_os(config::PAUSE_CHILD).is_some();
    let capture_to = std::env::var_os(config::CAPTURE_TO)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    // What the parent told us is read; programs the test starts must not
    // inherit it. No other thread of ours runs yet (libtest's main thread
    // waits for this one).
    for var in config::INTERNAL {
        std::env::remove_var(var);
    }
    let pipe = match pipe {
        Ok(pipe) => pipe,
        Err(e) => {
            eprintln!("netns-test: child for `{name}` has no outcome channel: {e}");
            std::process::exit(101);
        }
    };
    let reporter = Arc::new(Mutex::new(Reporter {
        pipe,
        done: false,
        owner: std::process::id(),
    }));
    let started = Instant::now();
    let mut times = Times::default();
    let saving = Saving {
        dir: capture_to,
        file: crate::capture::file_name(name),
        name: name.to_string(),
        pause,
    };
    let code = match run_test(
        def,
        Work { source, body },
        &reporter,
        parent_netns,
        started,
        &mut times,
        &saving,
    ) {
        Ok(()) => 0,
        Err(()) => 1,
    };
    if let Some(path) = std::env::var_os(config::TIMINGS) {
        times.write(name, code == 0, path.as_ref());
    }
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code)
}

fn outcome_pipe() -> Result<File, String> {
    let raw = std::env::var(config::OUTCOME_FD)
        .map_err(|_| format!("{} is not set", config::OUTCOME_FD))?;
    let fd: i32 = raw
        .parse()
        .map_err(|_| format!("{}={raw:?} is not a number", config::OUTCOME_FD))?;
    Ok(File::from(
        spawn::take_inherited_fd(fd).map_err(|e| e.to_string())?,
    ))
}

/// Refuses to go on in the namespace the parent was started from: as root, a
/// bug here would rewire the real machine.
fn check_isolated(parent: Result<String, std::env::VarError>) -> Result<(), String> {
    let parent = parent.map_err(|_| format!("{} is not set", config::PARENT_NETNS))?;
    let (dev, ino) =
        ns::current_id().map_err(|e| format!("cannot stat our network namespace: {e}"))?;
    if parent == format!("{dev}:{ino}") {
        return Err(
            "refusing to touch the network: the child is still in its parent's network \
                    namespace (this is a bug in netns-test)"
                .into(),
        );
    }
    Ok(())
}

/// What happens to a failing test's network: where its capture goes, if
/// it is written, and whether it is kept for `netns-test enter`.
struct Saving {
    dir: std::path::PathBuf,
    file: String,
    /// The test's libtest name.
    name: String,
    /// `NETNS_TEST_PAUSE=failure` with a terminal to wait on (the parent
    /// decided).
    pause: bool,
}

fn run_test(
    def: &TestDef,
    work: Work<'_>,
    reporter: &Arc<Mutex<Reporter>>,
    parent_netns: Result<String, std::env::VarError>,
    started: Instant,
    times: &mut Times,
    saving: &Saving,
) -> Result<(), ()> {
    let drawn = Drawn::of(&work.source);
    let setup = check_isolated(parent_netns)
        .map_err(BuildError::Failed)
        .and_then(|()| build(work.source, &mut times.build, true));
    times.setup = started.elapsed();
    let net = match setup {
        Ok(net) => net,
        Err(BuildError::Failed(e)) => {
            lock(reporter).finish(&[Message::SetupFailed(e)]);
            return Err(());
        }
        Err(BuildError::Unsupported(e)) => {
            lock(reporter).finish(&[Message::Unsupported(e)]);
            return Err(());
        }
    };
    let timeout = match config::timeout(def.timeout_ms) {
        Ok(t) => t,
        Err(e) => {
            lock(reporter).finish(&[Message::SetupFailed(e)]);
            return Err(());
        }
    };
    if let Err(e) = watchdog(&net, reporter, started, timeout, saving, drawn.clone()) {
        lock(reporter).finish(&[Message::SetupFailed(e)]);
        return Err(());
    }
    {
        let mut r = lock(reporter);
        let _ = Message::Started.send(&mut r.pipe);
    }
    let body_started = Instant::now();
    let (shared, body) = (&net, work.body);
    let result = match catch_unwind(AssertUnwindSafe(move || body(shared))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Message::Returned(e)),
        Err(payload) => Err(Message::Panicked(panic_message(payload.as_ref()))),
    };
    times.body = body_started.elapsed();
    {
        use std::os::fd::AsFd;
        let slow = net.slow_to_close();
        let fds: Vec<_> = slow.iter().map(|fd| fd.as_fd()).collect();
        lock(reporter).hand_off(&fds);
    }
    match result {
        Ok(()) => {
            if net.capture_mode() == Some(capture::Mode::Always) {
                // Where they went is printed with the test's own output.
                println!(
                    "netns-test: {}\nnetns-test: {}",
                    net.save_capture(&saving.dir, &saving.file),
                    drawn.save(&saving.dir, &saving.file)
                );
            }
            lock(reporter).finish(&[Message::Passed]);
            Ok(())
        }
        Err(failure) => {
            // A panic that `#[should_panic]` expects is no failure to look
            // at: nothing is written and nothing pauses.
            let expected = match (&failure, def.should_panic) {
                (Message::Panicked(_), ShouldPanic::Yes) => true,
                (Message::Panicked(said), ShouldPanic::YesWithMessage(wanted)) => {
                    said.contains(wanted)
                }
                _ => false,
            };
            let mut state = net.describe();
            if !expected
                && net
                    .capture_mode()
                    .is_some_and(|m| m != capture::Mode::Never)
            {
                state.push_str(&net.save_capture(&saving.dir, &saving.file));
                state.push('\n');
                state.push_str(&drawn.save(&saving.dir, &saving.file));
                state.push('\n');
            }
            if lock(reporter).finish(&[Message::NetworkState(state), failure])
                && saving.pause
                && !expected
            {
                pause(&net.namespaces(), &saving.name, reporter);
            }
            Err(())
        }
    }
}

fn lock(reporter: &Mutex<Reporter>) -> std::sync::MutexGuard<'_, Reporter> {
    reporter
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Parses the topology (already validated at compile time) and builds it,
/// with a capture if `capture` (as the environment says).
pub(crate) fn build(
    source: Source<'_>,
    times: &mut net::BuildTimes,
    capture: bool,
) -> Result<Net, BuildError> {
    let started = Instant::now();
    let parsed;
    let topology = match source {
        Source::Text(text) => {
            parsed = Topology::from_str(text).map_err(|e| e.to_string())?;
            &parsed
        }
        Source::Parsed(topology) => topology,
    };
    times.parse = started.elapsed();
    let net = net::build(topology.plan(), times, capture)?;
    hosts::install(&hosts::render(&net.names()))
        .map_err(|e| format!("give the network's names in /etc/hosts: {e}"))?;
    Ok(net)
}

/// How long the phases of one test took inside the child.
#[derive(Debug, Default)]
struct Times {
    /// From entering the child's test function to the network being ready.
    setup: Duration,
    /// The steps of building the network.
    build: net::BuildTimes,
    /// The test body.
    body: Duration,
}

impl Times {
    /// Appends `name ok setup_us parse_us namespaces_us apply_us sysctls_us
    /// body_us vmhwm_kb started` to `path` in one write (lines of concurrent
    /// children do not mix), `started` being `fork-server` or `exec`: how
    /// this child was started. Errors are ignored: timings are a diagnostic.
    fn write(&self, name: &str, ok: bool, path: &std::path::Path) {
        let hwm_kb = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .unwrap_or(0);
        let us = |d: Duration| d.as_micros();
        let line = format!(
            "{name} {} {} {} {} {} {} {} {hwm_kb} {}\n",
            if ok { "ok" } else { "failed" },
            us(self.setup),
            us(self.build.parse),
            us(self.build.namespaces),
            us(self.build.apply),
            us(self.build.sysctls),
            us(self.body),
            if FORKED.load(std::sync::atomic::Ordering::Relaxed) {
                "fork-server"
            } else {
                "exec"
            },
        );
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
        {
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// Starts the watchdog thread and the crash handlers. The watchdog reports a
/// timeout with the network's state and ends the process when the body runs
/// too long; when a crash handler wakes it, it sends the state and lets the
/// crashing thread go on dying.
fn watchdog(
    net: &Net,
    reporter: &Arc<Mutex<Reporter>>,
    started: Instant,
    timeout: Duration,
    saving: &Saving,
    drawn: Drawn,
) -> Result<(), String> {
    use std::os::fd::{AsFd, IntoRawFd};
    let (dir, file) = (saving.dir.clone(), saving.file.clone());
    let (name, pausing) = (saving.name.clone(), saving.pause);
    let fail = |e: std::io::Error| format!("start the watchdog: {e}");
    let (wake_r, wake_w) = spawn::pipe().map_err(fail)?;
    let (ack_r, ack_w) = spawn::pipe().map_err(fail)?;
    let snapshot = net.snapshot().map_err(fail)?;
    let reporter = Arc::clone(reporter);
    let watch = move || {
        // The state, with the capture and the picture if there is one.
        let report = || {
            let mut state = snapshot.describe();
            let capture = snapshot.save_capture(&dir, &file);
            if !capture.is_empty() {
                state.push_str(&capture);
                state.push('\n');
                state.push_str(&drawn.save(&dir, &file));
            }
            state
        };
        let left = timeout.saturating_sub(started.elapsed());
        let wait = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        let mut pfd = [PollFd::new(wake_r.as_fd(), PollFlags::POLLIN)];
        match poll(&mut pfd, wait) {
            Ok(0) => {
                let state = report();
                let elapsed = started.elapsed().as_millis() as u64;
                if lock(&reporter)
                    .finish(&[Message::NetworkState(state), Message::TimedOut(elapsed)])
                {
                    if pausing {
                        pause(&snapshot.namespaces(), &name, &reporter);
                    }
                    let _ = std::io::stdout().flush();
                    std::process::exit(1);
                }
            }
            Ok(_) => {
                // A crash handler woke us: the process is about to die of a signal.
                let state = report();
                lock(&reporter).finish(&[Message::NetworkState(state)]);
                let _ = nix::unistd::write(&ack_w, &[1]);
            }
            Err(_) => {}
        }
    };
    std::thread::Builder::new()
        .name("netns-test watchdog".into())
        .spawn(watch)
        .map_err(fail)?;
    // Both ends stay open for the life of the process: a crash may come at
    // any time until it exits.
    signals::install(wake_w.into_raw_fd(), ack_r.into_raw_fd()).map_err(fail)
}

/// Keeps the sandbox for `netns-test enter` until the parent ends it
/// (`NETNS_TEST_PAUSE=failure`): publishes `namespaces`, says so, and
/// waits. Returns only when the network could not be kept (the parent is
/// told why), or in a process other than the body's.
fn pause(
    namespaces: &[(&str, std::os::fd::BorrowedFd<'_>)],
    name: &str,
    reporter: &Mutex<Reporter>,
) {
    let message = match super::publish::publish_namespaces(namespaces, name) {
        Ok(()) => Message::Paused(namespaces.iter().map(|(n, _)| n.to_string()).collect()),
        Err(e) => Message::PauseFailed(format!(
            "cannot keep the network for `netns-test enter`: {e}"
        )),
    };
    let paused = matches!(message, Message::Paused(_));
    {
        let mut r = lock(reporter);
        if r.owner != std::process::id() {
            return;
        }
        if message.send(&mut r.pipe).is_err() {
            return;
        }
    }
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    if paused {
        loop {
            // The parent kills the sandbox once Enter is pressed.
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_string()
    }
}
