//! Nothing is ever left behind on the machine: no process, no interface, no
//! named namespace, whether a test returns, leaves processes running, or its
//! whole test binary is killed in the middle.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use netns_test::{netns_test, Net};
use support::{fixture, gone_within, in_fixture_run, run, HostState};

/// How long the kernel may take to reap a dead sandbox's processes.
const REAP_LIMIT: Duration = Duration::from_secs(10);

fn marker() -> String {
    std::env::var("LEFTOVER_MARKER").unwrap_or_else(|_| "0.5".into())
}

/// Starts `sleep MARKER` inside node `a` with SIGTERM ignored. `spawn`
/// returns once `sleep` is exec'd, so its command line is in place.
fn start_stubborn_sleeper(net: &Net) {
    use std::os::unix::process::CommandExt;
    let mut cmd = net.node("a").command("sleep");
    cmd.arg(marker());
    // SAFETY: signal(2) is async-signal-safe; an ignored disposition survives exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGTERM, libc::SIG_IGN);
            Ok(())
        });
    }
    // Left running on purpose: the sandbox must take it down.
    #[allow(clippy::zombie_processes)]
    cmd.spawn().expect("start sleep");
}

#[netns_test(topology = "
    node a
    a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24
")]
#[ignore = "fixture"]
fn fixture_leaves_a_process_that_ignores_sigterm(net: &Net) {
    if in_fixture_run() {
        start_stubborn_sleeper(net);
    }
}

#[netns_test(topology = "
    node a, b
    bridge br0 10.0.0.254/24
    a:eth0 10.0.0.1/24 -- br0
    b:eth0 10.0.0.2/24 -- br0
")]
#[ignore = "fixture"]
fn fixture_waits_to_be_killed(net: &Net) {
    if in_fixture_run() {
        start_stubborn_sleeper(net);
        net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
        println!("READY");
        // Wait for the SIGKILL that the meta-test sends.
        std::thread::sleep(Duration::from_secs(600));
    }
}

macro_rules! many {
    ($($name:ident)*) => {$(
        #[netns_test(topology = "
            node a, b
            a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
        ")]
        #[ignore = "fixture"]
        fn $name(net: &Net) {
            net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
        }
    )*};
}

many! {
    fixture_many_00 fixture_many_01 fixture_many_02 fixture_many_03 fixture_many_04
    fixture_many_05 fixture_many_06 fixture_many_07 fixture_many_08 fixture_many_09
    fixture_many_10 fixture_many_11 fixture_many_12 fixture_many_13 fixture_many_14
    fixture_many_15 fixture_many_16 fixture_many_17 fixture_many_18 fixture_many_19
    fixture_many_20 fixture_many_21 fixture_many_22 fixture_many_23 fixture_many_24
    fixture_many_25 fixture_many_26 fixture_many_27 fixture_many_28 fixture_many_29
    fixture_many_30 fixture_many_31 fixture_many_32 fixture_many_33 fixture_many_34
    fixture_many_35 fixture_many_36 fixture_many_37 fixture_many_38 fixture_many_39
    fixture_many_40 fixture_many_41 fixture_many_42 fixture_many_43 fixture_many_44
    fixture_many_45 fixture_many_46 fixture_many_47 fixture_many_48 fixture_many_49
    fixture_many_50 fixture_many_51 fixture_many_52 fixture_many_53 fixture_many_54
    fixture_many_55 fixture_many_56 fixture_many_57 fixture_many_58 fixture_many_59
    fixture_many_60 fixture_many_61 fixture_many_62 fixture_many_63 fixture_many_64
    fixture_many_65 fixture_many_66 fixture_many_67 fixture_many_68 fixture_many_69
    fixture_many_70 fixture_many_71 fixture_many_72 fixture_many_73 fixture_many_74
    fixture_many_75 fixture_many_76 fixture_many_77 fixture_many_78 fixture_many_79
    fixture_many_80 fixture_many_81 fixture_many_82 fixture_many_83 fixture_many_84
    fixture_many_85 fixture_many_86 fixture_many_87 fixture_many_88 fixture_many_89
    fixture_many_90 fixture_many_91 fixture_many_92 fixture_many_93 fixture_many_94
    fixture_many_95 fixture_many_96 fixture_many_97 fixture_many_98 fixture_many_99
}

#[test]
fn a_process_ignoring_sigterm_is_gone_when_the_test_ends() {
    let before = HostState::now();
    let marker = support::unique_sleep_marker(1);
    let (out, text) =
        run(fixture("fixture_leaves_a_process_that_ignores_sigterm")
            .env("LEFTOVER_MARKER", &marker));
    assert!(out.status.success(), "{text}");
    // The sandbox's init has exited by the time the test passes, and its
    // exit kills the namespace's processes: none may be found.
    assert_eq!(support::processes_with(&marker), Vec::<u32>::new());
    assert_eq!(HostState::now(), before);
}

#[test]
fn killing_the_test_binary_mid_test_leaves_nothing_behind_20_times() {
    let before = HostState::now();
    for round in 0..20 {
        let marker = support::unique_sleep_marker(100 + round);
        let mut child = fixture("fixture_waits_to_be_killed")
            .arg("--nocapture")
            .env("LEFTOVER_MARKER", &marker)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let ready = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|l| l == "READY");
        assert!(ready, "round {round}: the fixture never got ready");
        assert!(
            !support::processes_with(&marker).is_empty(),
            "the sleeper runs"
        );

        child.kill().unwrap(); // SIGKILL: no handler, no cleanup code runs
        child.wait().unwrap();

        if let Err(left) = gone_within(&marker, REAP_LIMIT) {
            panic!("round {round}: processes left after SIGKILL: {left:?}");
        }
        assert_eq!(HostState::now(), before, "round {round}");
    }
}

#[test]
fn a_thousand_tests_in_a_row_leave_nothing_behind() {
    let before = HostState::now();
    for round in 0..10 {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "fixture_many_",
                "--include-ignored",
                "--test-threads=2",
                "-q",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "round {round}:\n{text}");
        assert!(text.contains("100 passed"), "round {round}:\n{text}");
    }
    assert_eq!(HostState::now(), before);
}

/// Pids of processes whose environment holds `entry` (`KEY=VALUE`).
fn processes_with_env(entry: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|&b| b == 0).any(|e| e == entry.as_bytes()))
                .unwrap_or(false)
        })
        .collect()
}

#[test]
fn killing_the_test_process_mid_run_of_100_tests_leaves_nothing_behind() {
    use std::io::Read;
    let before = HostState::now();
    for round in 0..5 {
        let value = format!("{}-{round}", std::process::id());
        let entry = format!("NETNS_TEST_LEFTOVER_TAG={value}");
        let exe = std::env::current_exe().unwrap();
        let mut child = std::process::Command::new(exe)
            .args([
                "fixture_many_",
                "--include-ignored",
                "--test-threads=2",
                "-q",
            ])
            .env("NETNS_TEST_LEFTOVER_TAG", &value)
            .env_remove("NEXTEST_EXECUTION_MODE")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // `-q` prints a dot per finished test: kill after twenty.
        let mut stdout = child.stdout.take().unwrap();
        let mut dots = 0;
        let mut byte = [0u8; 1];
        while dots < 20 && stdout.read(&mut byte).unwrap_or(0) == 1 {
            dots += usize::from(byte[0] == b'.');
        }
        assert_eq!(dots, 20, "round {round}: the run ended before 20 tests");
        assert!(
            !processes_with_env(&entry).is_empty(),
            "round {round}: the run's processes are visible"
        );
        child.kill().unwrap(); // SIGKILL: no handler, no cleanup code runs
        child.wait().unwrap();
        let deadline = std::time::Instant::now() + REAP_LIMIT;
        loop {
            let left = processes_with_env(&entry);
            if left.is_empty() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "round {round}: processes left after SIGKILL: {left:?}"
            );
            std::thread::yield_now();
        }
        assert_eq!(HostState::now(), before, "round {round}");
    }
}

#[test]
fn a_fork_server_killed_mid_run_fails_only_the_tests_waiting_on_it() {
    use std::io::Read;
    let value = format!("{}-server", std::process::id());
    let entry = format!("NETNS_TEST_LEFTOVER_TAG={value}");
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args(["fixture_many_", "--include-ignored", "--test-threads=2"])
        .env("NETNS_TEST_LEFTOVER_TAG", &value)
        .env_remove("NETNS_TEST_FORK_SERVER")
        // Under nextest the meta-test runs alone in its process; the run it
        // starts is a many-test process, which gets a fork server.
        .env_remove("NEXTEST_EXECUTION_MODE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut byte = [0u8; 1];
    while seen.matches(" ok\n").count() < 10 && stdout.read(&mut byte).unwrap_or(0) == 1 {
        seen.push(byte[0] as char);
    }
    let servers: Vec<u32> = processes_with_env(&entry)
        .into_iter()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains("--netns-test-fork-server"))
        })
        // The server itself, not the sandboxes forked from it (whose PID 1
        // is a child of the test process too): in our PID namespace, its
        // parent the test process.
        .filter(|pid| {
            let ours = std::fs::read_link("/proc/self/ns/pid").ok();
            std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok() == ours
        })
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|status| {
                status.lines().any(|l| {
                    l.split_whitespace().collect::<Vec<_>>() == ["PPid:", &child.id().to_string()]
                })
            })
        })
        .collect();
    assert_eq!(servers.len(), 1, "one fork server: {servers:?}\n{seen}");
    // SAFETY: SIGKILL to the server this test started.
    unsafe { libc::kill(servers[0] as libc::pid_t, libc::SIGKILL) };
    // Not a timing assertion: a bound on a hang.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut rest = Vec::new();
    let reader = std::thread::spawn(move || {
        let _ = stdout.read_to_end(&mut rest);
        rest
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "the run hung");
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = seen + &String::from_utf8_lossy(&reader.join().unwrap());
    let failed: Vec<&str> = text.lines().filter(|l| l.ends_with("FAILED")).collect();
    for line in text
        .lines()
        .filter(|l| l.contains("cannot start the sandbox"))
    {
        assert!(line.contains("fork server"), "{line}");
    }
    assert!(
        status.success() || text.contains("fork server"),
        "failures other than the server's: {failed:?}\n{text}"
    );
    assert!(text.contains("test result:"), "{text}");
}
