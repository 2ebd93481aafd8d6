//! The `netns-test` command, run as a user runs it: from a directory with a
//! topology file, in the host's namespaces, without root.
//!
//! Topology files are embedded and written to a scratch directory per test
//! (the tests may run where the source tree is unreadable). Nothing here
//! sends packets anywhere but to addresses of the networks the tool builds,
//! and then only from inside them: see [`helper_udp_probe`].

mod support;

use std::ffi::OsString;
use std::net::{Ipv4Addr, UdpSocket};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::*;

const WALKTHROUGH: &str = include_str!("../../examples/walkthrough.net");
const UNKNOWN_OWNER: &str = include_str!("../../tests/ui/topologies/unknown_owner.net");
const UNKNOWN_OWNER_STDERR: &str =
    include_str!("../../tests/ui/fail/topology_file_with_mistake.stderr");
/// ns1 without its link: nothing but its loopback.
const LONELY_NODE: &str = "node ns1\n";

/// The address [`helper_udp_probe`] probes.
const PROBE_VAR: &str = "NETNS_TEST_CLI_PROBE";
/// The network namespace (inode) the probe must not send from: the tests'.
const PROBE_NOT_IN_VAR: &str = "NETNS_TEST_CLI_PROBE_NOT_IN";

/// Not a test: the proof that packets go somewhere, run by the tests in a
/// node of a network through the tool (there is no `ping` to run).
///
/// With `NETNS_TEST_CLI_PROBE=ADDR` (an address in 10.0.0.0/24), sends a
/// UDP datagram to ADDR's discard port, where nothing listens, and prints
/// `reached ADDR` once ADDR's kernel answers with an ICMP port
/// unreachable (seen as `ConnectionRefused`); panics with `did not reach
/// ADDR` otherwise. It refuses to run in the namespace named by
/// `NETNS_TEST_CLI_PROBE_NOT_IN` (the one the tests run in) or without it.
#[test]
#[ignore = "helper"]
fn helper_udp_probe() {
    let Ok(addr) = std::env::var(PROBE_VAR) else {
        return;
    };
    let ip: Ipv4Addr = addr
        .parse()
        .unwrap_or_else(|e| panic!("{PROBE_VAR}={addr}: {e}"));
    assert!(
        ip.octets()[..3] == [10, 0, 0],
        "refusing to probe {ip}: only the tests' networks (10.0.0.0/24)"
    );
    let outside: u64 = std::env::var(PROBE_NOT_IN_VAR)
        .ok()
        .and_then(|ns| ns.parse().ok())
        .unwrap_or_else(|| panic!("refusing to probe {ip} without {PROBE_NOT_IN_VAR}"));
    assert_ne!(
        own_network_namespace(),
        outside,
        "refusing to probe {ip} from the tests' own network namespace"
    );
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).expect("bind a UDP socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    if let Err(e) = socket
        .connect((ip, 9))
        .and_then(|()| socket.send(b"netns-test-cli probe"))
    {
        panic!("did not reach {ip}: cannot send: {e}");
    }
    let mut answer = [0u8; 64];
    match socket.recv(&mut answer) {
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => println!("reached {ip}"),
        other => panic!("did not reach {ip}: no port unreachable, but {other:?}"),
    }
}

/// The arguments that run [`helper_udp_probe`] in this test binary.
fn probe_command() -> Vec<OsString> {
    let exe = std::env::current_exe().expect("the test binary's path");
    vec![
        exe.into_os_string(),
        "helper_udp_probe".into(),
        "--exact".into(),
        "--include-ignored".into(),
        "--nocapture".into(),
    ]
}

/// `text` quoted for `sh`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The indented lines under `node:` in the output of `describe`.
fn section<'a>(describe: &'a str, node: &str) -> Vec<&'a str> {
    let header = format!("{node}:");
    describe
        .lines()
        .skip_while(|line| *line != header)
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .collect()
}

mod check_should {
    use super::*;

    #[test]
    fn accept_the_walkthrough_naming_the_file_as_given() {
        let scratch = Scratch::new("check-ok");
        scratch.write("examples/walkthrough.net", WALKTHROUGH);
        let out = scratch.run(["check", "examples/walkthrough.net"]);
        out.assert_code(0);
        assert_eq!(out.stdout, "examples/walkthrough.net: ok\n", "{out}");
        assert_eq!(out.stderr, "", "{out}");
    }

    #[test]
    fn report_a_mistake_exactly_as_the_compiler_does() {
        let scratch = Scratch::new("check-mistake");
        let file = scratch.write("tests/ui/topologies/unknown_owner.net", UNKNOWN_OWNER);
        let out = scratch.run(["check", &file]);
        out.assert_code(1);
        assert_eq!(out.stdout, "", "{out}");
        // The compiler's message ends where it points at the macro; it
        // indents a macro message's continuation lines.
        let expected: Vec<&str> = UNKNOWN_OWNER_STDERR
            .lines()
            .take_while(|line| !line.starts_with(" --> tests/ui/fail/"))
            .map(str::trim_start)
            .collect();
        assert!(
            expected.contains(&"--> tests/ui/topologies/unknown_owner.net:4:1"),
            "the compiler's message changed shape: {expected:#?}"
        );
        let actual: Vec<&str> = out.stderr.lines().map(str::trim_start).collect();
        assert_eq!(actual, expected, "{out}");
    }

    #[test]
    fn fail_naming_a_file_it_cannot_read() {
        let scratch = Scratch::new("check-missing");
        let out = scratch.run(["check", "no-such-topology.net"]);
        out.assert_code(1);
        assert_eq!(out.stdout, "", "{out}");
        assert!(
            out.stderr
                .contains("netns-test: cannot read topology file `no-such-topology.net`"),
            "{out}"
        );
    }
}

mod draw_should {
    use super::*;

    fn library(text: &str) -> netns_test::Topology {
        text.parse().unwrap()
    }

    #[test]
    fn print_a_self_contained_svg_by_default() {
        let scratch = Scratch::new("draw-svg");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let out = scratch.run(["draw", "walkthrough.net"]);
        out.assert_code(0);
        assert_eq!(out.stdout, library(WALKTHROUGH).to_svg(), "{out}");
        assert!(
            out.stdout
                .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{out}"
        );
        for shown in [
            ">ns1<",
            ">testbr (bridge)<",
            "eth0 10.0.0.100/24",
            ">ns1-nic<",
        ] {
            assert!(out.stdout.contains(shown), "{shown} missing: {out}");
        }
        assert!(!out.stdout.contains("<script"), "{out}");
    }

    #[test]
    fn print_mermaid_and_dot_as_the_library_draws_them() {
        let scratch = Scratch::new("draw-formats");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let mermaid = scratch.run(["draw", "walkthrough.net", "--format", "mermaid"]);
        mermaid.assert_code(0);
        assert_eq!(mermaid.stdout, library(WALKTHROUGH).to_mermaid());
        assert!(mermaid.stdout.starts_with("flowchart LR\n"), "{mermaid}");
        let dot = scratch.run(["draw", "--format", "dot", "walkthrough.net"]);
        dot.assert_code(0);
        assert_eq!(dot.stdout, library(WALKTHROUGH).to_dot());
        assert!(dot.stdout.starts_with("graph topology {"), "{dot}");
    }

    #[test]
    fn refuse_a_topology_with_mistakes_and_an_unknown_format() {
        let scratch = Scratch::new("draw-bad");
        let file = scratch.write("unknown_owner.net", UNKNOWN_OWNER);
        let out = scratch.run(["draw", &file]);
        out.assert_code(1);
        assert_eq!(out.stdout, "", "{out}");
        assert!(out.stderr.contains("error: unknown owner `ns2`"), "{out}");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let out = scratch.run(["draw", "walkthrough.net", "--format", "png"]);
        out.assert_code(2);
        assert!(
            out.stderr.contains("the formats are svg, mermaid and dot"),
            "{out}"
        );
    }
}

mod describe_should {
    use super::*;

    #[test]
    fn show_each_node_with_its_interfaces_and_addresses_and_leave_nothing_behind() {
        let scratch = Scratch::new("describe");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let before = host_state();
        let out = scratch.run(["describe", "walkthrough.net"]);
        out.assert_code(0);
        let host = section(&out.stdout, "host");
        let ns1 = section(&out.stdout, "ns1");
        assert!(
            host.iter()
                .any(|l| l.contains("testbr") && l.contains("10.0.0.1/24")),
            "no testbr 10.0.0.1/24 in the host:\n{out}"
        );
        assert!(
            ns1.iter()
                .any(|l| l.contains("eth0") && l.contains("10.0.0.100/24")),
            "no eth0 10.0.0.100/24 in ns1:\n{out}"
        );
        assert!(
            !ns1.iter().any(|l| l.contains("testbr")),
            "testbr in ns1:\n{out}"
        );
        assert_all_gone(scratch.marker(), GONE_WITHIN);
        assert_eq!(host_state(), before);
    }
}

mod run_should {
    use super::*;

    #[test]
    fn run_the_command_in_the_chosen_node_and_pass_its_exit_status_on() {
        let scratch = Scratch::new("run-status");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let before = host_state();
        let out = scratch.run([
            "run",
            "walkthrough.net",
            "--node",
            "ns1",
            "--",
            "sh",
            "-c",
            "cat /proc/net/dev; exit 7",
        ]);
        out.assert_code(7);
        assert!(out.stdout.contains("eth0:"), "{out}");
        assert!(!out.stdout.contains("testbr"), "ran in the host?\n{out}");
        assert_all_gone(scratch.marker(), GONE_WITHIN);
        assert_eq!(host_state(), before);
    }

    #[test]
    fn run_in_the_host_node_by_default() {
        let scratch = Scratch::new("run-host");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let out = scratch.run(["run", "walkthrough.net", "--", "cat", "/proc/net/dev"]);
        out.assert_code(0);
        assert!(out.stdout.contains("testbr:"), "{out}");
        assert!(out.stdout.contains("ns1-nic:"), "{out}");
        assert!(!out.stdout.contains("eth0:"), "{out}");
    }

    #[test]
    fn refuse_an_unknown_node_listing_the_nodes() {
        let scratch = Scratch::new("run-unknown-node");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let out = scratch.run(["run", "walkthrough.net", "--node", "nope", "--", "true"]);
        out.assert_code(2);
        assert!(out.stderr.contains("has no node `nope`"), "{out}");
        assert!(out.stderr.contains("host, ns1"), "{out}");
    }

    #[test]
    fn exit_127_for_a_program_that_does_not_exist() {
        let scratch = Scratch::new("run-127");
        scratch.write("walkthrough.net", WALKTHROUGH);
        // A directory of $PATH this user cannot search (/root, for nobody)
        // makes the search report EACCES; still "not found", as shells say.
        let out = run(scratch
            .cli(["run", "walkthrough.net", "--", "no-such-program-here"])
            .env("PATH", "/root:/usr/bin:/bin"));
        out.assert_code(127);
        assert!(out.stderr.contains("no-such-program-here"), "{out}");
    }

    #[test]
    fn exit_126_for_a_program_that_cannot_be_executed() {
        let scratch = Scratch::new("run-126");
        scratch.write("walkthrough.net", WALKTHROUGH);
        scratch.write("not-executable", "#!/bin/sh\nexit 0\n");
        let out = scratch.run(["run", "walkthrough.net", "--", "./not-executable"]);
        out.assert_code(126);
    }

    #[test]
    fn report_a_command_killed_by_a_signal_as_128_plus_the_signal() {
        let scratch = Scratch::new("run-signal");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let out = scratch.run(["run", "walkthrough.net", "--", "sh", "-c", "kill -TERM $$"]);
        out.assert_code(128 + libc::SIGTERM);
    }

    #[test]
    fn fail_with_125_when_the_topology_cannot_be_read() {
        let scratch = Scratch::new("run-125");
        let out = scratch.run(["run", "missing.net", "--", "true"]);
        out.assert_code(125);
        assert!(out.stderr.contains("missing.net"), "{out}");
    }

    #[test]
    fn carry_packets_from_a_node_to_the_bridge_in_the_host() {
        let scratch = Scratch::new("run-probe");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let out = run(scratch
            .cli(["run", "walkthrough.net", "--node", "ns1", "--"])
            .args(probe_command())
            .env(PROBE_VAR, "10.0.0.1")
            .env(PROBE_NOT_IN_VAR, own_network_namespace().to_string()));
        out.assert_code(0);
        assert!(out.stdout.contains("reached 10.0.0.1\n"), "{out}");
    }

    #[test]
    fn carry_no_packets_where_the_topology_has_no_link() {
        let scratch = Scratch::new("run-probe-nolink");
        scratch.write("lonely.net", LONELY_NODE);
        let out = run(scratch
            .cli(["run", "lonely.net", "--node", "ns1", "--"])
            .args(probe_command())
            .env(PROBE_VAR, "10.0.0.1")
            .env(PROBE_NOT_IN_VAR, own_network_namespace().to_string()));
        assert_ne!(out.code(), 0, "{out}");
        assert!(!out.stdout.contains("reached"), "{out}");
        // The probe ran and failed for want of a network, not for another
        // reason.
        assert!(
            format!("{}{}", out.stdout, out.stderr).contains("did not reach 10.0.0.1"),
            "{out}"
        );
    }

    #[test]
    fn end_the_network_and_its_processes_when_the_tool_is_killed() {
        let scratch = Scratch::new("run-killed");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let before = host_state();
        // A number no other test (or run of these tests) sleeps.
        let seconds = format!("98{:07}", std::process::id());
        let mut tool = Killed(
            scratch
                .cli(["run", "walkthrough.net", "--", "sleep", &seconds])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start netns-test run"),
        );
        let sleep_line = format!("sleep {seconds}");
        let sleeper = wait_for("sleep in the network", DEADLINE, || {
            processes_with(&seconds)
                .into_iter()
                .find(|&pid| cmdline(pid).as_deref() == Some(sleep_line.as_str()))
        });
        let marked = processes_with(scratch.marker());
        assert!(
            marked.contains(&sleeper) && marked.contains(&tool.0.id()) && marked.len() > 2,
            "the marker misses the tool, its sandbox or the sleep: {:?}",
            describe_processes(scratch.marker())
        );
        tool.0.kill().expect("SIGKILL netns-test run");
        let status = tool.0.wait().unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        assert_all_gone(&seconds, GONE_WITHIN);
        assert_all_gone(scratch.marker(), GONE_WITHIN);
        assert_eq!(host_state(), before);
    }
}

mod shell_should {
    use super::*;

    /// Prints the node a shell is in, then which network: its PID
    /// namespace, which every process of a sandbox shares (`pid:[N]`).
    const WHERE_AM_I: &str = "echo node=$NETNS_TEST_NODE $(readlink /proc/self/ns/pid)";

    #[test]
    fn open_a_shell_in_its_node_that_enter_joins_and_end_everything_when_it_exits() {
        let scratch = Scratch::new("shell");
        scratch.write("walkthrough.net", WALKTHROUGH);
        let before = host_state();

        let mut shell = Pty::spawn(&mut scratch.cli(["shell", "walkthrough.net", "--node", "ns1"]));
        let banner = shell.expect("[netns-test ns1] $ ");
        let sandbox: u32 = banner
            .split_once("(sandbox pid ")
            .and_then(|(_, rest)| rest.split(')').next())
            .and_then(|pid| pid.parse().ok())
            .unwrap_or_else(|| panic!("no `(sandbox pid N)` in the banner:\n{banner}"));
        let pid = sandbox.to_string();
        assert!(
            banner.contains(&format!("netns-test enter NODE --pid {sandbox}")),
            "{banner}"
        );
        assert!(
            banner
                .lines()
                .filter(|l| !l.starts_with("[netns-test"))
                .all(|l| l.trim().is_empty() || l.starts_with("netns-test:")),
            "{banner}"
        );

        shell.send(&format!("cat /proc/net/dev; {WHERE_AM_I}\n"));
        let listing = shell.expect("node=ns1 ");
        assert!(listing.contains("eth0:"), "{listing}");
        assert!(!listing.contains("testbr"), "{listing}");
        let network = shell.expect("]");
        shell.expect("[netns-test ns1] $ ");

        // Something left running in the background must end with the network.
        let seconds = format!("97{:07}", std::process::id());
        shell.send(&format!("sleep {seconds} &\n"));
        shell.expect("[netns-test ns1] $ ");
        let sleep_line = format!("sleep {seconds}");
        let sleeper = wait_for("background sleep", DEADLINE, || {
            processes_with(&seconds)
                .into_iter()
                .find(|&pid| cmdline(pid).as_deref() == Some(sleep_line.as_str()))
        });

        // The pid the banner gives: other tests (pause.rs) start enterable
        // networks too, so "the most recent one" may not be this one.
        let mut entered = Pty::spawn(&mut scratch.cli(["enter", "host", "--pid", &pid]));
        let banner = entered.expect("[netns-test host] $ ");
        assert!(
            banner.contains("a shell in `host` of walkthrough.net"),
            "{banner}"
        );
        entered.send(&format!("cat /proc/net/dev; {WHERE_AM_I}\n"));
        let listing = entered.expect("node=host ");
        assert!(listing.contains("testbr:"), "{listing}");
        assert!(!listing.contains("eth0:"), "{listing}");
        assert_eq!(entered.expect("]"), network, "not the shell's network");
        entered.expect("[netns-test host] $ ");

        let probe: Vec<String> = probe_command()
            .iter()
            .map(|arg| quoted(arg.to_str().expect("a UTF-8 path")))
            .collect();
        entered.send(&format!(
            "{PROBE_VAR}=10.0.0.100 {PROBE_NOT_IN_VAR}={} {}\n",
            own_network_namespace(),
            probe.join(" ")
        ));
        entered.expect("reached 10.0.0.100");
        entered.expect("[netns-test host] $ ");

        let out = scratch.run(["enter", "ns1", "--pid", &pid, "--", "cat", "/proc/net/dev"]);
        out.assert_code(0);
        assert!(out.stdout.contains("eth0:"), "{out}");
        assert!(!out.stdout.contains("testbr"), "{out}");

        let out = scratch.run(["enter", "nope", "--pid", &pid, "--", "true"]);
        out.assert_code(2);
        assert!(out.stderr.contains("has no node `nope`"), "{out}");
        assert!(out.stderr.contains("host, ns1"), "{out}");

        // Without --pid, `enter` joins the most recent enterable network of
        // this user's, in the host without a NODE. A network another test
        // started since then is the most recent until it ends: try again.
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            let out = scratch.run([
                "enter",
                "--",
                "sh",
                "-c",
                "readlink /proc/self/ns/pid; cat /proc/net/dev",
            ]);
            if out.status.success() && out.stdout.starts_with(&format!("{network}\n")) {
                assert!(out.stdout.contains("testbr:"), "{out}");
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`enter` without --pid never joined the shell's network ({network}):\n{out}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }

        let marked = processes_with(scratch.marker());
        for pid in [shell.pid(), entered.pid(), sandbox, sleeper] {
            assert!(
                marked.contains(&pid),
                "the marker misses {pid}: {:?}",
                describe_processes(scratch.marker())
            );
        }

        shell.send("exit 3\n");
        let status = shell.wait();
        assert_eq!(status.code(), Some(3), "{status}");
        // Nothing typed: the entered shell is killed with the network.
        let status = entered.wait();
        assert_eq!(status.code(), Some(137), "{status}");
        assert_all_gone(&seconds, GONE_WITHIN);
        assert_all_gone(scratch.marker(), GONE_WITHIN);
        assert_eq!(host_state(), before);
    }
}

mod enter_should {
    use super::*;

    /// Root entering a network an unprivileged user made would run what
    /// that user put in its mount namespace (`id`, `~/.bashrc`) as root.
    #[test]
    fn refuse_a_network_of_another_user_even_to_root() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(1)
            != 0
        {
            eprintln!("not root: another user's network cannot be made here; not checked");
            return;
        }
        let scratch = Scratch::new("enter-other-user");
        scratch.write("walkthrough.net", WALKTHROUGH);
        // Where uid 65534 can read and run them.
        let copy = scratch.path().join("netns-test");
        std::fs::copy(cli(), &copy).unwrap();
        for path in [scratch.path(), copy.as_path()] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let file = scratch.path().join("walkthrough.net");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut nobody = Command::new("setpriv");
        nobody
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&copy)
            .args(["shell", "walkthrough.net"])
            .current_dir(scratch.path())
            .env("SHELL", "/bin/sh")
            .env("HOME", scratch.path())
            .env(MARKER_VAR, scratch.marker())
            .env_remove("ENV");
        let mut shell = Pty::spawn(&mut nobody);
        let banner = shell.expect("[netns-test host] $ ");
        let sandbox: u32 = banner
            .split("(sandbox pid ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .and_then(|pid| pid.parse().ok())
            .unwrap_or_else(|| panic!("no sandbox pid in:\n{banner}"));

        let out = scratch.run(["enter", "host", "--pid", &sandbox.to_string(), "--", "true"]);
        out.assert_code(125);
        assert!(
            out.stderr
                .contains("is not in an enterable network of yours"),
            "{out}"
        );
        // Nor is it the most recent network to root.
        let out = scratch.run(["enter", "host", "--", "cat", "/proc/self/uid_map"]);
        assert!(!out.stdout.contains("65534"), "{out}");
        // The owner itself may.
        let mut owner = Command::new("setpriv");
        owner
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&copy)
            .args(["enter", "host", "--pid", &sandbox.to_string(), "--", "true"])
            .current_dir(scratch.path())
            .stdin(Stdio::null());
        run(&mut owner).assert_code(0);

        shell.send("exit\n");
        assert_eq!(shell.wait().code(), Some(0));
    }

    #[test]
    fn refuse_a_pid_that_is_not_in_an_enterable_network() {
        let scratch = Scratch::new("enter-no-network");
        let me = std::process::id().to_string();
        let out = scratch.run(["enter", "--pid", &me, "--", "true"]);
        out.assert_code(125);
        assert!(
            out.stderr
                .contains(&format!("pid {me} is not in an enterable network")),
            "{out}"
        );
    }

    #[test]
    fn refuse_a_pid_that_is_not_a_number() {
        let scratch = Scratch::new("enter-bad-pid");
        let out = scratch.run(["enter", "--pid", "me"]);
        out.assert_code(2);
        assert!(out.stderr.contains("a pid is a number"), "{out}");
    }
}

mod usage_should {
    use super::*;

    #[test]
    fn be_printed_on_help() {
        let scratch = Scratch::new("help");
        let out = scratch.run(["--help"]);
        out.assert_code(0);
        assert!(
            out.stdout.starts_with("usage: netns-test check FILE\n"),
            "{out}"
        );
        for subcommand in ["describe", "run", "shell", "enter"] {
            assert!(
                out.stdout.contains(&format!("netns-test {subcommand} ")),
                "{out}"
            );
        }
    }

    #[test]
    fn follow_an_unknown_subcommand_with_exit_status_2() {
        let scratch = Scratch::new("bad-subcommand");
        let out = scratch.run(["frobnicate"]);
        out.assert_code(2);
        assert_eq!(out.stdout, "", "{out}");
        assert!(
            out.stderr
                .starts_with("netns-test: unknown subcommand `frobnicate`"),
            "{out}"
        );
        assert!(out.stderr.contains("usage: netns-test"), "{out}");
    }
}
