//! `netns-test enter`: a shell (or a command) in a node of a running
//! network.

use std::ffi::OsString;
use std::process::Command;

use netns_test::session::{self, ErrorKind};

use crate::network::not_run;
use crate::{shell, FAILED, USAGE};

/// Joins `node` of the most recent network (or the one of `pid`) and runs
/// `command` there, or a shell.
pub(crate) fn enter(
    node: &str,
    pid: Option<u32>,
    command: Option<(OsString, Vec<OsString>)>,
) -> i32 {
    let network = match session::find(pid) {
        Ok(network) => network,
        Err(e) => {
            say!("{e}");
            return FAILED;
        }
    };
    let label = network.label().to_string();
    if let Err(e) = network.join(node) {
        say!("{e}");
        return if e.kind() == ErrorKind::UnknownNode {
            USAGE
        } else {
            FAILED
        };
    }
    let interactive = command.is_none();
    let (mut child, program) = match command {
        Some((program, args)) => {
            let mut child = Command::new(&program);
            child.args(args);
            (child, program)
        }
        None => {
            say!(
                "netns-test: a shell in `{node}` of {label} (pid {}); it ends with the network",
                network.pid()
            );
            let program = shell::program();
            let mut child = Command::new(&program);
            shell::prepare(&mut child, &program, node, &label);
            (child, program)
        }
    };
    let ran = if interactive {
        session::run_interactive(&mut child)
    } else {
        session::run_foreground(&mut child)
    };
    match ran {
        Ok(code) => code,
        Err(e) => {
            say!(
                "netns-test: cannot run `{}` in `{node}`: {e}",
                program.to_string_lossy()
            );
            not_run(&program, &e)
        }
    }
}
