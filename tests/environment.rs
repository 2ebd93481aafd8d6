//! Where namespaces cannot be had: the test fails with the step, the errno,
//! the likely cause and the fix, or, with `NETNS_TEST_UNSUPPORTED=skip`,
//! passes with a warning that libtest's capture cannot hide.
//!
//! Each test re-runs this very binary for the fixture below, under a seccomp
//! filter that refuses new user namespaces the way a container's profile or
//! a zero `user.max_user_namespaces` does, and reads what it printed.
#![cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]

use std::process::{Command, Output};

use netns_test::netns_test;

mod support;

/// The fixture's libtest name.
const FIXTURE: &str = "fixture_needs_namespaces";

#[netns_test]
#[ignore = "fixture: run by the environment tests"]
fn fixture_needs_namespaces() {}

/// The should_panic fixture's libtest name.
const SHOULD_PANIC_FIXTURE: &str = "fixture_should_panic_needs_namespaces";

#[netns_test]
#[should_panic]
#[ignore = "fixture: run by the environment tests"]
fn fixture_should_panic_needs_namespaces() {
    panic!("the body's own 4711");
}

/// The NAT fixture's libtest name.
const NAT_FIXTURE: &str = "fixture_nat_needs_nf_tables";

#[netns_test(topology = "
    node inside, outside
    inside:eth0 10.0.0.2/24 -- host:eth0 10.0.0.1/24
    host:uplink 192.0.2.1/24 -- outside:eth0 192.0.2.2/24
    route inside default via 10.0.0.1
    nat host:uplink
")]
#[ignore = "fixture: run by the environment tests"]
fn fixture_nat_needs_nf_tables(net: &netns_test::Net) {
    net.node("inside")
        .ping("192.0.2.2".parse().unwrap())
        .expect("inside -> outside through the NAT");
}

/// `EPERM`, as Docker's default seccomp profile answers `clone(CLONE_NEWUSER)`.
const EPERM: u32 = 1;
/// `ENOSPC`, as the kernel answers when `user.max_user_namespaces` is 0 or
/// every user namespace it allows is in use.
const ENOSPC: u32 = 28;

/// Runs the fixture in a process of its own with `NETNS_TEST_UNSUPPORTED` set
/// to `unsupported` (or unset), optionally under a filter that refuses new
/// user namespaces with errno `refuse`; then the user namespace is forced, so
/// that the filter bites even when the tests run as root.
fn run_fixture(refuse: Option<u32>, unsupported: Option<&str>, capture: bool) -> Output {
    run_named_fixture(FIXTURE, refuse, unsupported, capture)
}

/// As [`run_fixture`], for the fixture `name`. A refusal that may be transient
/// (ENOSPC) is waited out for 300 ms only.
fn run_named_fixture(
    name: &str,
    refuse: Option<u32>,
    unsupported: Option<&str>,
    capture: bool,
) -> Output {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--include-ignored", "--color=never"]);
    cmd.env("NETNS_TEST_LIMIT_WAIT", "300ms");
    if !capture {
        cmd.arg("--nocapture");
    }
    match unsupported {
        Some(value) => cmd.env("NETNS_TEST_UNSUPPORTED", value),
        None => cmd.env_remove("NETNS_TEST_UNSUPPORTED"),
    };
    if let Some(errno) = refuse {
        cmd.env("NETNS_TEST_USERNS", "always");
        seccomp::refuse_user_namespaces(&mut cmd, errno);
    }
    cmd.output().expect("run the fixture")
}

/// Runs fixture `name` under a filter that makes `socket(AF_NETLINK, _,
/// NETLINK_NETFILTER)` fail with `EPROTONOSUPPORT`, as a kernel without
/// `CONFIG_NETFILTER_NETLINK` answers.
fn run_without_nf_tables(name: &str, unsupported: Option<&str>) -> Output {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--include-ignored", "--color=never"]);
    match unsupported {
        Some(value) => cmd.env("NETNS_TEST_UNSUPPORTED", value),
        None => cmd.env_remove("NETNS_TEST_UNSUPPORTED"),
    };
    seccomp::refuse_nf_tables(&mut cmd);
    cmd.output().expect("run the fixture")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that the combined output contains every one of `parts`.
fn assert_says(out: &Output, parts: &[&str]) {
    let all = format!("{}{}", stdout(out), stderr(out));
    for part in parts {
        assert!(
            all.contains(part),
            "expected {part:?} in the fixture's output:\n{all}"
        );
    }
}

#[test]
fn where_namespaces_are_refused_the_harness_reports_its_trials_ignored() {
    let Some(harness) = support::sibling_binary("harness", false) else {
        eprintln!("no harness binary next to this test; not checked here");
        return;
    };
    let mut cmd = Command::new(harness);
    cmd.env("NETNS_TEST_USERNS", "always")
        .env_remove("NETNS_TEST_UNSUPPORTED")
        .env_remove("NEXTEST_EXECUTION_MODE");
    seccomp::refuse_user_namespaces(&mut cmd, EPERM);
    let out = cmd.output().expect("run the harness binary");
    assert!(
        out.status.success(),
        "ignored is not failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_says(
        &out,
        &[
            "netns-test: every trial is ignored: this environment cannot run namespace tests",
            "0 passed; 0 failed; 11 ignored",
        ],
    );
}

#[test]
fn a_kernel_without_nf_tables_fails_a_nat_test_with_the_option_and_the_fix() {
    let out = run_without_nf_tables(NAT_FIXTURE, None);
    assert!(
        !out.status.success(),
        "the fixture passed:\n{}",
        stdout(&out)
    );
    assert_says(
        &out,
        &[
            "netns-test: `fixture_nat_needs_nf_tables` cannot run on this kernel: in `host`: \
             open a NETLINK_NETFILTER socket failed with EPROTONOSUPPORT",
            "cause: this kernel has no nf_tables NAT: CONFIG_NETFILTER_NETLINK is not set",
            "fix: load its module on the machine as root (`modprobe nfnetlink`",
            "NETNS_TEST_UNSUPPORTED=skip",
            "1 failed",
        ],
    );
}

#[test]
fn a_kernel_without_nf_tables_skips_a_nat_test_when_asked_to() {
    let out = run_without_nf_tables(NAT_FIXTURE, Some("skip"));
    assert!(
        out.status.success(),
        "the fixture failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_says(
        &out,
        &[
            "netns-test: SKIPPED fixture_nat_needs_nf_tables: this kernel has no nf_tables NAT: \
             CONFIG_NETFILTER_NETLINK is not set",
            "1 passed",
        ],
    );
}

#[test]
fn a_kernel_without_nf_tables_still_runs_tests_without_nat() {
    let out = run_without_nf_tables(FIXTURE, None);
    assert!(
        out.status.success(),
        "a test without `nat` failed where only nf_tables is missing:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_seccomp_filter_refusing_user_namespaces_fails_the_test_with_cause_and_fix() {
    let out = run_fixture(Some(EPERM), None, false);
    assert!(
        !out.status.success(),
        "the fixture passed:\n{}",
        stdout(&out)
    );
    assert_says(
        &out,
        &[
            "netns-test: this environment cannot run namespace tests: creating a user \
             namespace (clone with CLONE_NEWUSER) failed with EPERM (Operation not permitted)",
            "refuses new user namespaces (Seccomp: 2, a filter is active)",
            "fix: run the container with `--security-opt seccomp=unconfined` (or `--privileged`)",
            "read: euid ",
            "1 failed",
        ],
    );
}

#[test]
fn running_out_of_user_namespaces_fails_the_test_with_the_sysctl_to_raise() {
    let out = run_fixture(Some(ENOSPC), None, false);
    assert!(
        !out.status.success(),
        "the fixture passed:\n{}",
        stdout(&out)
    );
    assert_says(
        &out,
        &[
            "netns-test: this environment cannot run namespace tests: creating a user \
             namespace (clone with CLONE_NEWUSER) failed with ENOSPC (No space left on device) \
             on every try for 300ms",
            "likely cause: ",
            "(user.max_user_namespaces",
            "fix: `sudo sysctl -w user.max_user_namespaces=",
        ],
    );
}

#[test]
fn skip_mode_passes_with_one_warning_line_that_capture_does_not_hide() {
    // No --nocapture: libtest captures the test's output, and shows none of
    // it for a passing test.
    let out = run_fixture(Some(EPERM), Some("skip"), true);
    assert!(
        out.status.success(),
        "the fixture failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("1 passed"), "{}", stdout(&out));
    let stderr = stderr(&out);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("SKIPPED")).collect();
    assert_eq!(
        warnings,
        [format!(
            "netns-test: SKIPPED {FIXTURE}: creating a user namespace (clone with \
             CLONE_NEWUSER) failed with EPERM; set up namespaces (see the README, \
             \"When tests cannot run\") or unset NETNS_TEST_UNSUPPORTED"
        )],
        "stderr:\n{stderr}"
    );
    assert!(
        !stdout(&out).contains("SKIPPED"),
        "the warning went to libtest's capture"
    );
}

#[test]
fn skip_mode_never_skips_a_limit_that_may_clear() {
    // ENOSPC is what a `user.max_*_namespaces` limit says while other tests
    // hold every namespace it allows: retried, then failed, never skipped.
    let out = run_fixture(Some(ENOSPC), Some("skip"), true);
    assert!(
        !out.status.success(),
        "the fixture passed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(!stderr(&out).contains("SKIPPED"), "{}", stderr(&out));
    assert_says(&out, &["on every try for 300ms", "1 failed"]);
}

#[test]
fn skip_mode_skips_a_should_panic_test_like_the_others() {
    let out = run_named_fixture(SHOULD_PANIC_FIXTURE, Some(EPERM), Some("skip"), true);
    assert!(
        out.status.success(),
        "the fixture failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("1 passed"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!("netns-test: SKIPPED {SHOULD_PANIC_FIXTURE}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_refused_environment_fails_a_should_panic_test() {
    // The diagnosis is the framework's, not the body's panic.
    let out = run_named_fixture(SHOULD_PANIC_FIXTURE, Some(EPERM), None, false);
    assert!(
        !out.status.success(),
        "the fixture passed:\n{}",
        stdout(&out)
    );
    assert_says(
        &out,
        &["this environment cannot run namespace tests", "1 failed"],
    );
}

#[test]
fn an_unknown_setting_fails_the_test_and_lists_the_valid_ones() {
    let out = run_fixture(None, Some("maybe"), false);
    assert!(
        !out.status.success(),
        "the fixture passed:\n{}",
        stdout(&out)
    );
    assert_says(
        &out,
        &["netns-test: NETNS_TEST_UNSUPPORTED=\"maybe\" is not understood: use `skip`"],
    );
}

#[test]
fn without_a_filter_the_fixture_passes() {
    let inherited = std::env::var("NETNS_TEST_UNSUPPORTED").ok();
    let out = run_fixture(None, inherited.as_deref(), false);
    assert!(
        out.status.success(),
        "the fixture failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// Hand-written classic-BPF seccomp filters. One refuses user namespaces:
/// `clone` and `unshare` with `CLONE_NEWUSER` fail with a chosen errno,
/// `clone3` with `ENOSYS` (so that the C library falls back to `clone`,
/// whose flags a filter can read). The other refuses nf_tables:
/// `socket(AF_NETLINK, _, NETLINK_NETFILTER)` fails with
/// `EPROTONOSUPPORT`. Everything else is allowed.
mod seccomp {
    #![allow(unsafe_code)]

    use std::io;
    use std::os::raw::{c_int, c_ulong};
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    extern "C" {
        fn prctl(option: c_int, ...) -> c_int;
    }

    const PR_SET_SECCOMP: c_int = 22;
    const PR_SET_NO_NEW_PRIVS: c_int = 38;
    const SECCOMP_MODE_FILTER: c_ulong = 2;
    const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
    const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
    const ENOSYS: u32 = 38;
    const CLONE_NEWUSER: u32 = 0x1000_0000;

    // Classic BPF opcodes (BPF_LD, BPF_W and BPF_K are 0).
    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS (0x20)
    const JEQ_K: u16 = 0x15; // BPF_JMP (0x05) | BPF_JEQ (0x10) | BPF_K
    const JSET_K: u16 = 0x45; // BPF_JMP (0x05) | BPF_JSET (0x40) | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET (0x06) | BPF_K

    // Offsets into `struct seccomp_data`.
    const NR: u32 = 0;
    const ARCH: u32 = 4;
    /// The low 32 bits of `args[0]`: the flags of `clone` and `unshare`.
    #[cfg(target_endian = "little")]
    const ARG0_LOW: u32 = 16;
    #[cfg(target_endian = "big")]
    const ARG0_LOW: u32 = 20;
    /// The low 32 bits of `args[2]`: the protocol of `socket`.
    #[cfg(target_endian = "little")]
    const ARG2_LOW: u32 = 32;
    #[cfg(target_endian = "big")]
    const ARG2_LOW: u32 = 36;
    const AF_NETLINK: u32 = 16;
    const NETLINK_NETFILTER: u32 = 12;
    const EPROTONOSUPPORT: u32 = 93;

    #[cfg(target_arch = "x86_64")]
    mod arch {
        pub const AUDIT_ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64
        pub const SYS_CLONE: u32 = 56;
        pub const SYS_UNSHARE: u32 = 272;
        pub const SYS_CLONE3: u32 = 435;
        pub const SYS_SOCKET: u32 = 41;
    }
    #[cfg(target_arch = "aarch64")]
    mod arch {
        pub const AUDIT_ARCH: u32 = 0xc000_00b7; // AUDIT_ARCH_AARCH64
        pub const SYS_CLONE: u32 = 220;
        pub const SYS_UNSHARE: u32 = 97;
        pub const SYS_CLONE3: u32 = 435;
        pub const SYS_SOCKET: u32 = 198;
    }

    /// `struct sock_filter`.
    #[repr(C)]
    #[derive(Debug, Clone, Copy)]
    struct SockFilter {
        code: u16,
        jt: u8,
        jf: u8,
        k: u32,
    }

    /// `struct sock_fprog`.
    #[repr(C)]
    struct SockFprog {
        len: u16,
        filter: *const SockFilter,
    }

    const fn op(code: u16, jt: u8, jf: u8, k: u32) -> SockFilter {
        SockFilter { code, jt, jf, k }
    }

    /// The program; a jump skips `jt`/`jf` instructions after its own.
    fn program(errno: u32) -> Vec<SockFilter> {
        vec![
            /* 0 */ op(LD_W_ABS, 0, 0, ARCH),
            /* 1 */ op(JEQ_K, 0, 7, arch::AUDIT_ARCH), // another ABI: 9, allow
            /* 2 */ op(LD_W_ABS, 0, 0, NR),
            /* 3 */ op(JEQ_K, 6, 0, arch::SYS_CLONE3), // 10, ENOSYS
            /* 4 */ op(JEQ_K, 1, 0, arch::SYS_CLONE), // 6, check the flags
            /* 5 */ op(JEQ_K, 0, 3, arch::SYS_UNSHARE), // else 9, allow
            /* 6 */ op(LD_W_ABS, 0, 0, ARG0_LOW),
            /* 7 */ op(JSET_K, 0, 1, CLONE_NEWUSER), // without it: 9, allow
            /* 8 */ op(RET_K, 0, 0, SECCOMP_RET_ERRNO | errno),
            /* 9 */ op(RET_K, 0, 0, SECCOMP_RET_ALLOW),
            /* 10 */ op(RET_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS),
        ]
    }

    /// The program refusing nf_tables sockets.
    fn no_nf_tables() -> Vec<SockFilter> {
        vec![
            /* 0 */ op(LD_W_ABS, 0, 0, ARCH),
            /* 1 */ op(JEQ_K, 0, 7, arch::AUDIT_ARCH), // another ABI: 9, allow
            /* 2 */ op(LD_W_ABS, 0, 0, NR),
            /* 3 */ op(JEQ_K, 0, 5, arch::SYS_SOCKET), // else 9, allow
            /* 4 */ op(LD_W_ABS, 0, 0, ARG0_LOW),
            /* 5 */ op(JEQ_K, 0, 3, AF_NETLINK), // else 9, allow
            /* 6 */ op(LD_W_ABS, 0, 0, ARG2_LOW),
            /* 7 */ op(JEQ_K, 0, 1, NETLINK_NETFILTER), // else 9, allow
            /* 8 */ op(RET_K, 0, 0, SECCOMP_RET_ERRNO | EPROTONOSUPPORT),
            /* 9 */ op(RET_K, 0, 0, SECCOMP_RET_ALLOW),
        ]
    }

    /// Makes `cmd`'s process refuse new user namespaces with `errno`.
    pub(super) fn refuse_user_namespaces(cmd: &mut Command, errno: u32) {
        install(cmd, program(errno));
    }

    /// Makes `cmd`'s process refuse nf_tables sockets.
    pub(super) fn refuse_nf_tables(cmd: &mut Command) {
        install(cmd, no_nf_tables());
    }

    /// Makes `cmd`'s process install `program` before it execs.
    fn install(cmd: &mut Command, program: Vec<SockFilter>) {
        // SAFETY: the hook runs between fork and exec in the new process. It
        // makes two prctl(2) syscalls on memory prepared before the fork
        // (`program`, moved into the closure) and on its own stack, and turns
        // a failure into an io::Error without allocating (last_os_error).
        unsafe {
            cmd.pre_exec(move || {
                let fprog = SockFprog {
                    len: program.len() as u16,
                    filter: program.as_ptr(),
                };
                // Unprivileged processes may install a filter only with no_new_privs.
                if prctl(
                    PR_SET_NO_NEW_PRIVS,
                    1 as c_ulong,
                    0 as c_ulong,
                    0 as c_ulong,
                    0 as c_ulong,
                ) != 0
                {
                    return Err(io::Error::last_os_error());
                }
                if prctl(
                    PR_SET_SECCOMP,
                    SECCOMP_MODE_FILTER,
                    &fprog as *const SockFprog,
                ) != 0
                {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}
