//! `describe`, `run` and `shell`: build a topology file's network in a
//! session of its own and do one thing in it.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;

use netns_test::session::{self, Ready, Session};
use netns_test::Topology;

use crate::{check, shell, FAILED, USAGE};

/// Prints the state of `file`'s network, as a failure report shows it.
pub(crate) fn describe(file: &str) -> i32 {
    let Ok(topology) = check::load(file) else {
        return 1;
    };
    let ended = Session::new(&topology).label(file).run(
        |_| {},
        |net| {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(net.describe().as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => 0,
                // Read by something that stopped reading (`| head`).
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 141,
                Err(e) => {
                    say!("netns-test: cannot write the state: {e}");
                    1
                }
            }
        },
    );
    match ended {
        Ok(code) => code,
        Err(e) => {
            say!("{e}");
            1
        }
    }
}

/// Runs `program` in `node` of `file`'s network and passes its status on.
pub(crate) fn run(file: &str, node: &str, program: &OsString, args: &[OsString]) -> i32 {
    let Ok(topology) = check::load(file) else {
        return FAILED;
    };
    if let Err(code) = known_node(&topology, file, node) {
        return code;
    }
    in_session(
        Session::new(&topology).label(file),
        |_| {},
        |net| {
            let mut command = net.node(node).command(program);
            command.args(args);
            match session::run_foreground(&mut command) {
                Ok(code) => code,
                Err(e) => {
                    say!(
                        "netns-test: cannot run `{}` in `{node}`: {e}",
                        program.to_string_lossy()
                    );
                    not_run(program, &e)
                }
            }
        },
    )
}

/// Opens a shell in `node` of `file`'s network, which lives until it exits.
pub(crate) fn shell(file: &str, node: &str) -> i32 {
    let Ok(topology) = check::load(file) else {
        return FAILED;
    };
    if let Err(code) = known_node(&topology, file, node) {
        return code;
    }
    let program = shell::program();
    let banner = |ready: &Ready<'_>| {
        say!(
            "netns-test: the network of {file} is up: {} (sandbox pid {})\n\
             netns-test: a shell in `{node}`; the network lives until it exits\n\
             netns-test: from another terminal: netns-test enter NODE   (or: netns-test enter \
             NODE --pid {})",
            ready.nodes.join(", "),
            ready.pid,
            ready.pid
        );
    };
    let session = Session::new(&topology).label(file).enterable(true);
    in_session(session, banner, |net| {
        let mut command = net.node(node).command(&program);
        shell::prepare(&mut command, &program, node, file);
        match session::run_interactive(&mut command) {
            Ok(code) => code,
            Err(e) => {
                say!(
                    "netns-test: cannot start the shell `{}` in `{node}`: {e} (set SHELL to \
                     another shell)",
                    program.to_string_lossy()
                );
                not_run(&program, &e)
            }
        }
    })
}

fn in_session(
    session: Session<'_>,
    on_ready: impl FnMut(&Ready<'_>),
    work: impl FnOnce(&netns_test::Net) -> i32,
) -> i32 {
    match session.run(on_ready, work) {
        Ok(code) => code,
        Err(e) => {
            say!("{e}");
            FAILED
        }
    }
}

/// Whether `node` is a namespace of `topology`; if not, says so.
fn known_node(topology: &Topology, file: &str, node: &str) -> Result<(), i32> {
    let names: Vec<&str> = topology
        .plan()
        .namespaces
        .iter()
        .map(|ns| ns.name.as_str())
        .collect();
    if names.contains(&node) {
        return Ok(());
    }
    say!(
        "netns-test: {file} has no node `{node}`; its nodes are: {}",
        names.join(", ")
    );
    Err(USAGE)
}

/// The exit status of `program` that could not be started, as shells give
/// it: 127 when it is not found, 126 when it cannot be executed. The
/// search of `$PATH` says "permission denied" when a directory on it cannot
/// be searched and no other holds the program: that is "not found" too.
pub(crate) fn not_run(program: &OsStr, e: &std::io::Error) -> i32 {
    match e.kind() {
        std::io::ErrorKind::NotFound => 127,
        std::io::ErrorKind::PermissionDenied if exists(program) => 126,
        std::io::ErrorKind::PermissionDenied => 127,
        _ => FAILED,
    }
}

/// Whether `program` names a file: itself if it has a `/`, else a file of
/// that name in a directory of `$PATH`.
fn exists(program: &OsStr) -> bool {
    let path = Path::new(program);
    if program.as_encoded_bytes().contains(&b'/') {
        // A directory on the way that cannot be searched: there may be
        // something; shells say "permission denied" (126) too.
        return match std::fs::metadata(path) {
            Ok(_) => true,
            Err(e) => e.kind() == std::io::ErrorKind::PermissionDenied,
        };
    }
    std::env::var_os("PATH")
        .is_some_and(|dirs| std::env::split_paths(&dirs).any(|dir| dir.join(path).is_file()))
}
