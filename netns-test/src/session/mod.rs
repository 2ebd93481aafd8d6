//! Networks for programs rather than tests: what the `netns-test` command
//! (crate `netns-test-cli`) runs on.
//!
//! A [`Session`] builds a topology in a sandbox exactly as a test's is built
//! (fresh user, network, PID, mount and UTS namespaces; readiness; names in
//! `/etc/hosts`), runs a piece of work there, and is gone, with every
//! process it started, when the work ends or the caller dies. Unlike a
//! test, the work keeps the caller's terminal: a command or a shell started
//! inside talks to it directly.
//!
//! A session made [`Session::enterable`] (and a failing test paused by
//! `NETNS_TEST_PAUSE=failure`) can be joined from another process of the
//! same user: [`find`] it, then [`Network::join`] one of its nodes.
//!
//! ```no_run
//! use netns_test::session::{self, Session};
//! use netns_test::Topology;
//!
//! let topology: Topology = "node ns1\nbridge testbr 10.0.0.1/24\n\
//!                           ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic".parse()?;
//! // Before the program starts any thread:
//! let code = Session::new(&topology).run(
//!     |_ready| {},
//!     |net| {
//!         let mut ping = net.node("ns1").command("ping");
//!         ping.args(["-c1", "10.0.0.1"]);
//!         session::run_foreground(&mut ping).unwrap_or(127)
//!     },
//! )?;
//! std::process::exit(code);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod enter;

use std::fmt;
use std::io;
use std::process::{Command, ExitStatus};

use crate::sandbox::{self, session as sandboxed};
use crate::{Net, Topology};

pub(crate) use enter::mark_most_recent;
pub use enter::{find, Network};

/// A network to build and a piece of work to run in it.
#[derive(Debug, Clone)]
pub struct Session<'t> {
    topology: &'t Topology,
    label: String,
    enterable: bool,
}

/// What [`Session::run`] tells its caller once the network is up, before
/// the work starts.
#[derive(Debug)]
pub struct Ready<'a> {
    /// The sandbox's pid (its init) in the caller's PID namespace: what
    /// `netns-test enter --pid` takes.
    pub pid: u32,
    /// The network's namespaces, host first.
    pub nodes: &'a [String],
}

impl<'t> Session<'t> {
    /// A session for `topology`, not enterable, labelled `topology`.
    pub fn new(topology: &'t Topology) -> Session<'t> {
        Session {
            topology,
            label: "topology".into(),
            enterable: false,
        }
    }

    /// What the network is called when [`find`] lists it (a file's path).
    pub fn label(mut self, label: impl Into<String>) -> Session<'t> {
        self.label = label.into();
        self
    }

    /// Whether other processes of this user may [`find`] and join it while
    /// the work runs.
    pub fn enterable(mut self, enterable: bool) -> Session<'t> {
        self.enterable = enterable;
        self
    }

    /// Builds the network in a fresh sandbox, calls `on_ready` here once it
    /// is up, then runs `work` in the sandbox (in its host namespace, with
    /// this process's standard input, output and error) and returns its
    /// exit code (128 plus the signal if it was killed) once every process
    /// of the sandbox is gone.
    ///
    /// Call it while this process has a single thread (before anything
    /// spawns one): the sandbox is a fork of it that runs `work` directly.
    /// SIGINT and SIGQUIT are ignored here while the sandbox lives: an
    /// interrupt at the terminal is for what runs inside.
    pub fn run(
        self,
        mut on_ready: impl FnMut(&Ready<'_>),
        work: impl FnOnce(&Net) -> i32,
    ) -> Result<i32, Error> {
        let ready = &mut |pid: u32, nodes: &[String]| on_ready(&Ready { pid, nodes });
        // Asked here: the sandbox cannot see this process's group.
        sandbox::terminal::note_owner();
        let ended = sandboxed::run(
            self.topology,
            &self.label,
            self.enterable,
            ready,
            Box::new(work),
        );
        sandbox::terminal::reclaim();
        ended.map_err(|failure| match failure {
            sandboxed::Failure::Failed(message) => Error::new(ErrorKind::Failed, message),
            sandboxed::Failure::Unsupported(message) => Error::new(ErrorKind::Unsupported, message),
        })
    }
}

/// Starts `command` and waits for it, in this process's group: SIGINT and
/// SIGQUIT from the terminal reach it, not this process (which ignores
/// them meanwhile), and Ctrl-Z stops the whole job. Returns its exit code,
/// or 128 plus the signal that killed it.
pub fn run_foreground(command: &mut Command) -> io::Result<i32> {
    wait_ignoring_interrupts(command.spawn()?)
}

/// Starts `command`, an interactive shell, as a shell starts a job: when
/// this process's group has the terminal, the program leads a process
/// group of its own and gets the terminal (so it has job control inside a
/// sandbox's PID namespace), and this process takes the terminal back
/// after. Returns its exit code, or 128 plus the signal that killed it.
pub fn run_interactive(command: &mut Command) -> io::Result<i32> {
    sandbox::terminal::lead(command);
    let waited = wait_ignoring_interrupts(command.spawn()?);
    sandbox::terminal::reclaim();
    waited
}

fn wait_ignoring_interrupts(mut child: std::process::Child) -> io::Result<i32> {
    // Started with the dispositions this process had: default ones.
    let _interrupts = sandbox::signals::IgnoreInterrupts::new();
    Ok(exit_code(child.wait()?))
}

/// A program's exit status as a shell reports it: its code, or 128 plus
/// the signal that killed it.
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => 125,
    }
}

/// What kind of thing went wrong in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The sandbox could not be started or the network not built.
    Failed,
    /// The kernel lacks what the topology needs.
    Unsupported,
    /// No enterable network was found.
    NotFound,
    /// The network has no node of that name.
    UnknownNode,
    /// Joining the network's namespaces failed.
    Join,
}

/// Why a session, or joining one, failed: the step, the cause and the fix.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
