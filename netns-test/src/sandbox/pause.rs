//! `NETNS_TEST_PAUSE=failure`: a failing test keeps its sandbox, enterable
//! with `netns-test enter`, until Enter is pressed on the terminal, as the
//! kernel selftests' `PAUSE_ON_FAIL` does.
//!
//! The parent decides whether there is a terminal to wait on (standard
//! error is one, where the user watches, and `/dev/tty` opens) and tells
//! the child; the child, when its body has failed
//! or timed out, publishes its namespaces (`publish.rs`), says so and
//! waits; the parent prints the failure, the network's state and one
//! `netns-test enter` line per node on `/dev/tty` (past libtest's
//! capture), waits for Enter there, and kills the sandbox. Without a
//! terminal nothing pauses, and the failure report says why in one line.

use std::io::{BufRead, Write};
use std::sync::Mutex;
use std::time::Duration;

use nix::unistd::Pid;

use super::outcome::Message;

/// The setting: `failure`, or unset.
pub(crate) const PAUSE: &str = "NETNS_TEST_PAUSE";

/// What the setting asks of a failing test here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    /// Not set: fail and end as usual.
    Off,
    /// Keep the sandbox and wait for Enter on the terminal.
    OnFailure,
    /// Asked for, but standard input is no terminal to wait on.
    NoTerminal,
}

/// Reads `NETNS_TEST_PAUSE` and looks at standard input.
pub(crate) fn setting() -> Result<Setting, String> {
    match std::env::var(PAUSE).as_deref() {
        Err(_) | Ok("") | Ok("never") => Ok(Setting::Off),
        Ok("failure") => {
            // Where the user sees the test's output live (libtest's capture
            // aside): standard error is the terminal, and it can be opened.
            let seen = nix::unistd::isatty(std::io::stderr()).unwrap_or(false);
            if seen && terminal().is_ok() {
                Ok(Setting::OnFailure)
            } else {
                Ok(Setting::NoTerminal)
            }
        }
        Ok(other) => Err(format!(
            "{PAUSE}={other:?} is not understood: use `failure` (keep a failing test's network \
             for `netns-test enter`), or leave it unset"
        )),
    }
}

/// The one line a failure report gets when the setting could not be obeyed.
pub(crate) const NO_TERMINAL: &str = "netns-test: NETNS_TEST_PAUSE=failure: not pausing, \
     there is no terminal to wait on (standard error is not one: CI, or nextest without \
     --no-capture); run the test with `cargo test` or `cargo nextest run --no-capture` at a \
     terminal";

/// The process's controlling terminal, to write to and read from.
fn terminal() -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
}

/// One paused test at a time owns the terminal.
static TERMINAL: Mutex<()> = Mutex::new(());

/// Shows the failure of `name` (sandbox `pid`) with what the child said so
/// far, tells how to enter each of `nodes`, and waits for Enter (or the end
/// of input) on standard input. The caller then ends the sandbox.
pub(crate) fn hold(name: &str, pid: Pid, messages: &[Message], nodes: &[String]) {
    let _terminal = TERMINAL.lock().unwrap_or_else(|p| p.into_inner());
    let reason = messages.iter().rev().find_map(|m| match m {
        Message::Panicked(text) => Some(format!("panicked: {text}")),
        Message::Returned(text) => Some(format!("returned an error: {text}")),
        Message::TimedOut(ms) => Some(format!(
            "timed out after {:.1?}",
            Duration::from_millis(*ms)
        )),
        _ => None,
    });
    let state = messages.iter().rev().find_map(|m| match m {
        Message::NetworkState(state) => Some(state.as_str()),
        _ => None,
    });
    let mut text = format!(
        "\nnetns-test: test `{name}` {}\n",
        reason.as_deref().unwrap_or("failed")
    );
    if let Some(state) = state {
        text.push_str("network state at the moment of failure:\n");
        text.push_str(state);
    }
    text.push_str(&format!(
        "netns-test: {PAUSE}=failure: `{name}` is paused with its network kept; look inside \
         from another terminal:\n"
    ));
    for node in nodes {
        text.push_str(&format!("    netns-test enter {node} --pid {pid}\n"));
    }
    text.push_str("netns-test: press Enter here to end the test (Ctrl-C ends the whole run)\n");
    // Straight to the terminal: libtest captures only `print!` and `eprint!`.
    let Ok(mut tty) = terminal() else {
        return;
    };
    let _ = tty.write_all(text.as_bytes());
    let _ = tty.flush();
    // Shown now: `netns-test enter` without --pid should find this one.
    crate::session::mark_most_recent(pid.as_raw() as u32);
    wait_for_enter(&tty);
}

/// Waits for a line on the terminal, or for the run to be over: when the
/// process that started this one (cargo, nextest) is gone, nobody will
/// press Enter for it, and a line typed later is the user's shell's.
fn wait_for_enter(tty: &std::fs::File) {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    let parent = nix::unistd::getppid();
    let mut reader = std::io::BufReader::new(tty);
    loop {
        let mut pfd = [PollFd::new(tty.as_fd(), PollFlags::POLLIN)];
        match poll(&mut pfd, PollTimeout::from(250u16)) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => {}
            Ok(_) => {
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                return;
            }
            Err(_) => return,
        }
        if nix::unistd::getppid() != parent {
            return;
        }
    }
}
