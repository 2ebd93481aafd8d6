//! `netns-test`: check, build and look inside netns-test topologies from
//! the command line, with the same parser, sandbox and netlink code as the
//! tests, and no root.
//!
//! Exit status: `check` and `draw` 1 when the topology has errors;
//! `describe` 1 when the network cannot be built; `run`, `shell` and `enter` pass on what ran
//! inside (128 plus the signal that killed it), and 125 when netns-test
//! itself failed, 126 when the command cannot be executed, 127 when it is
//! not found; 2 for a mistake on the command line.
#![forbid(unsafe_code)]

/// `eprintln!` that cannot panic: a closed or full standard error must not
/// turn a command's exit status into a panic's.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod check;
mod draw;
mod enter;
mod network;
mod shell;

use std::ffi::OsString;

use args::Command;

/// What `run`, `shell` and `enter` exit with when netns-test itself failed.
const FAILED: i32 = 125;
/// A mistake on the command line.
const USAGE: i32 = 2;

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let code = match args::parse(args) {
        Ok(command) => dispatch(command),
        Err(e) => {
            say!("netns-test: {e}\n\n{}", args::USAGE);
            USAGE
        }
    };
    std::process::exit(code);
}

fn dispatch(command: Command) -> i32 {
    match command {
        Command::Help => {
            println!("{}", args::USAGE);
            0
        }
        Command::Version => {
            println!("netns-test {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Check { file } => check::check(&file),
        Command::Describe { file } => network::describe(&file),
        Command::Run {
            file,
            node,
            program,
            args,
        } => network::run(&file, &node, &program, &args),
        Command::Shell { file, node } => network::shell(&file, &node),
        Command::Enter { node, pid, command } => enter::enter(&node, pid, command),
        Command::Draw { file, format } => draw::draw(&file, format),
    }
}
