//! The interactive shell of `shell` and `enter`, with a prompt that names
//! its node.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::Command;

/// `$SHELL`, else `/bin/sh`.
pub(crate) fn program() -> OsString {
    std::env::var_os("SHELL")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into())
}

/// Where the sandbox keeps its files (its own `/run`, invisible outside).
const RUN_DIR: &str = "/run/netns-test";

/// Sets `command` (which starts `shell`) up for `node` of `network`:
/// `NETNS_TEST_NODE` and `NETNS_TEST_NETWORK` in its environment, and a
/// prompt `[netns-test NODE]`. bash reads its prompt from its startup file,
/// so it gets one of its own inside the sandbox, which runs `~/.bashrc`
/// first; other shells take `PS1` from the environment.
pub(crate) fn prepare(command: &mut Command, shell: &OsStr, node: &str, network: &str) {
    command
        .env("NETNS_TEST_NODE", node)
        .env("NETNS_TEST_NETWORK", network)
        .env("PS1", format!("[netns-test {node}] $ "));
    let is_bash = Path::new(shell)
        .file_name()
        .is_some_and(|name| name == "bash");
    if is_bash {
        // A name of its own, made new (never through a link already there).
        let rc = Path::new(RUN_DIR).join(format!("bashrc-{node}-{}", std::process::id()));
        let text = format!(
            "# netns-test: the prompt of a shell in `{node}`\n\
             [ -f ~/.bashrc ] && . ~/.bashrc\n\
             PS1='[netns-test {node}] \\w \\$ '\n"
        );
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&rc)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if written.is_ok() {
            command.arg("--rcfile").arg(rc);
        }
    }
}
