//! The baseline: the walk-through built the classic way, with `ip` commands
//! in a fresh user, network and mount namespace (`unshare -Urnm`, a private
//! `/run` for `ip netns`).

use std::process::{Command, Stdio};
use std::time::Instant;

use crate::stats::{summarize, Summary};

/// The walk-through as `ip` commands; a ping each way when `ping` exists.
const SCRIPT: &str = "set -e
mount -t tmpfs tmpfs /run
ip netns add ns1
ip link add ns1-nic type veth peer name ns1-vnic
ip link set ns1-vnic netns ns1
ip -n ns1 link set ns1-vnic name eth0
ip -n ns1 addr add 10.0.0.100/24 dev eth0
ip -n ns1 link set lo up
ip -n ns1 link set eth0 up
ip link add testbr type bridge
ip addr add 10.0.0.1/24 dev testbr
ip link set testbr up
ip link set ns1-nic master testbr
ip link set ns1-nic up
if command -v ping >/dev/null; then
    ping -c1 -W1 10.0.0.100 >/dev/null
    ip netns exec ns1 ping -c1 -W1 10.0.0.1 >/dev/null
fi
";

/// Runs the script `runs` times, one after another; `Err` says why it was
/// skipped.
pub(crate) fn run(runs: usize) -> Result<Summary, String> {
    for tool in ["ip", "unshare"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Err(format!("`{tool}` is not installed"));
        }
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new("unshare")
            .args(["-Urnm", "sh", "-c", SCRIPT])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run unshare: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "the `ip` script failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        times.push(started.elapsed().as_secs_f64());
    }
    Ok(summarize(&times))
}
