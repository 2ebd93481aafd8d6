//! The sandbox holds as root and unprivileged alike: a test sees its own
//! interfaces in `/sys`, its own processes in `/proc`, its own hostname and
//! mounts, and no namespace it can reach holds the machine's interfaces.
//! What a test changes there stays there.
//!
//! Run as root and as an unprivileged user (CI does both).

mod support;

use std::collections::BTreeSet;
use std::ffi::CString;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use netns_test::{netns_test, Net};
use support::{fixture, in_fixture_run, run};

fn names_in(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Refuses to go on outside a sandbox: the body's process is PID 2 of a PID
/// namespace of its own (PID 2 of the machine is a kernel thread).
fn assert_in_a_sandbox() {
    assert_eq!(std::process::id(), 2, "not in a sandbox: refusing to go on");
}

fn errno_of(result: libc::c_int) -> Option<i32> {
    (result != 0).then(|| std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

#[netns_test(topology = "
    node a
    bridge br0 10.0.0.1/24
    a:eth0 10.0.0.2/24 -- br0:br0-a
    a:eth1 10.0.1.1/24 -- host:up0 10.0.1.2/24
")]
fn sys_class_net_lists_only_the_test_s_own_interfaces(net: &Net) {
    assert_eq!(
        names_in("/sys/class/net"),
        ["br0", "br0-a", "lo", "up0"].map(String::from).into()
    );
    // A node's interfaces are the node's, seen from a thread inside it.
    assert_eq!(
        net.node("a")
            .run(|| std::fs::read_to_string("/proc/thread-self/net/dev")
                .unwrap()
                .lines()
                .skip(2)
                .map(|l| l.split(':').next().unwrap().trim().to_string())
                .collect::<BTreeSet<_>>()),
        ["eth0", "eth1", "lo"].map(String::from).into()
    );
}

fn read_only(path: &str) -> bool {
    let path = CString::new(path).unwrap();
    // SAFETY: statvfs(2) into a zeroed struct of the right type.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::statvfs(path.as_ptr(), &mut st) }, 0);
    st.f_flag & libc::ST_RDONLY != 0
}

#[netns_test]
fn sys_is_read_only_but_for_the_test_s_network_devices() {
    assert!(read_only("/sys/kernel"));
    assert!(!read_only("/sys/devices/virtual/net"));
    assert!(!read_only("/sys/class/net/lo/"));
    std::fs::write("/sys/class/net/lo/ifalias", "the sandbox's own lo").unwrap();
    assert_eq!(
        std::fs::read_to_string("/sys/class/net/lo/ifalias").unwrap(),
        "the sandbox's own lo\n"
    );
}

#[netns_test]
fn proc_shows_the_sandbox_s_processes_only() {
    assert_in_a_sandbox();
    let pids: BTreeSet<u32> = names_in("/proc")
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    // The sandbox's init and this process.
    assert_eq!(pids, [1, 2].into());
}

#[netns_test]
fn the_sandbox_s_init_cannot_be_ptraced() {
    assert_in_a_sandbox();
    // SAFETY: ptrace(2) with no memory arguments.
    let r = unsafe { libc::ptrace(libc::PTRACE_ATTACH, 1, 0, 0) };
    let errno = std::io::Error::last_os_error().raw_os_error();
    if r == 0 {
        // Before the fix: the attach worked. Let init go and fail.
        // SAFETY: detaches what we attached.
        unsafe { libc::ptrace(libc::PTRACE_DETACH, 1, 0, 0) };
        panic!("PID 1 of the sandbox could be ptraced");
    }
    assert_eq!(errno, Some(libc::EPERM));
}

#[netns_test]
fn programs_see_none_of_netns_test_s_internal_variables() {
    const INTERNAL: [&str; 3] = [
        "NETNS_TEST_CHILD",
        "NETNS_TEST_OUTCOME_FD",
        "NETNS_TEST_PARENT_NETNS",
    ];
    for var in INTERNAL {
        assert_eq!(std::env::var_os(var), None, "{var} in the body");
    }
    let env = std::process::Command::new("env").output().unwrap();
    let env = String::from_utf8_lossy(&env.stdout);
    for var in INTERNAL {
        assert!(!env.contains(var), "{var} reached a child process:\n{env}");
    }
}

// ---- what a test changes stays in its sandbox --------------------------------

/// The meta-test's scratch directory, where the fixture mounts a tmpfs.
const SCRATCH: &str = "NETNS_TEST_ISOLATION_SCRATCH";
/// `dev:ino` of the machine's network namespace, for the fixture to avoid.
const MACHINE_NETNS: &str = "NETNS_TEST_ISOLATION_MACHINE_NETNS";
const PROBE: &str = "netns-test-probe";

#[netns_test]
#[ignore = "fixture"]
fn fixture_changes_what_it_can() {
    if !in_fixture_run() {
        return;
    }
    assert_in_a_sandbox();
    // A named namespace, as `ip netns add` makes one.
    if std::process::Command::new("ip").arg("-V").output().is_ok() {
        let status = std::process::Command::new("ip")
            .args(["netns", "add", PROBE])
            .status()
            .unwrap();
        assert!(status.success(), "ip netns add: {status}");
    }
    std::fs::create_dir_all("/run/netns").unwrap();
    let named = format!("/run/netns/{PROBE}-by-hand");
    std::fs::write(&named, "").unwrap();
    mount(Some("/proc/self/ns/net"), &named, None, libc::MS_BIND);
    // A tmpfs, with a file in it.
    let scratch = PathBuf::from(std::env::var_os(SCRATCH).unwrap());
    mount(Some("tmpfs"), scratch.to_str().unwrap(), Some("tmpfs"), 0);
    std::fs::write(scratch.join("inside"), "written inside the sandbox").unwrap();
    // The hostname.
    let name = CString::new(PROBE).unwrap();
    // SAFETY: sethostname(2) with a buffer and its length.
    assert_eq!(unsafe { libc::sethostname(name.as_ptr(), PROBE.len()) }, 0);
    // A sysfs attribute of an interface called like one of the machine's.
    std::fs::write("/sys/class/net/lo/ifalias", PROBE).unwrap();
}

fn mount(source: Option<&str>, target: &str, fstype: Option<&str>, flags: libc::c_ulong) {
    let c = |s: &str| CString::new(s).unwrap();
    let (source, target, fstype) = (source.map(c), c(target), fstype.map(c));
    let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    // SAFETY: mount(2) with NUL-terminated strings or nulls.
    let r = unsafe {
        libc::mount(
            ptr(&source),
            target.as_ptr(),
            ptr(&fstype),
            flags,
            std::ptr::null(),
        )
    };
    assert_eq!(
        r,
        0,
        "mount {target:?}: {}",
        std::io::Error::last_os_error()
    );
}

/// What the fixture could change on the machine, read from a plain test.
#[derive(Debug, PartialEq, Eq)]
struct Machine {
    hostname: String,
    named_netns: Option<BTreeSet<String>>,
    mounts: Vec<String>,
    lo_alias: String,
}

impl Machine {
    fn now() -> Machine {
        Machine {
            hostname: std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap(),
            named_netns: std::fs::read_dir("/run/netns").ok().map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            }),
            mounts: std::fs::read_to_string("/proc/self/mountinfo")
                .unwrap()
                .lines()
                .map(|l| l.split(' ').skip(4).take(1).collect())
                .collect(),
            lo_alias: std::fs::read_to_string("/sys/class/net/lo/ifalias").unwrap_or_default(),
        }
    }
}

#[test]
fn what_a_test_changes_stays_in_its_sandbox() {
    let scratch = std::env::temp_dir().join(format!("netns-test-isolation-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let before = Machine::now();
    let (out, text) = run(fixture("fixture_changes_what_it_can").env(SCRATCH, &scratch));
    let after = Machine::now();
    let left: Vec<_> = std::fs::read_dir(&scratch)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    std::fs::remove_dir(&scratch).ok();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
    assert_eq!(before, after);
    assert!(left.is_empty(), "the sandbox's tmpfs wrote here: {left:?}");
}

#[netns_test]
#[ignore = "fixture"]
fn fixture_looks_for_the_machine_s_network_namespace() {
    if !in_fixture_run() {
        return;
    }
    assert_in_a_sandbox();
    let machine = std::env::var(MACHINE_NETNS).unwrap();
    let id = |path: &str| {
        std::fs::metadata(path)
            .map(|m| format!("{}:{}", m.dev(), m.ino()))
            .ok()
    };
    // Every process this sandbox can see is in one of its own namespaces.
    for pid in names_in("/proc")
        .iter()
        .filter(|n| n.parse::<u32>().is_ok())
    {
        let ns = id(&format!("/proc/{pid}/ns/net"));
        assert_ne!(ns.as_deref(), Some(machine.as_str()), "pid {pid}");
    }
    // Under the sandbox's /proc lies the machine's: even through it, the
    // machine's network namespace cannot be entered.
    let proc = CString::new("/proc").unwrap();
    // SAFETY: umount2(2) of a mount of our own mount namespace.
    assert_eq!(unsafe { libc::umount2(proc.as_ptr(), libc::MNT_DETACH) }, 0);
    let init = match std::fs::File::open("/proc/1/ns/net") {
        Ok(init) => init,
        // The machine's init is not even ours to look at.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)) => return,
        Err(e) => panic!("open the machine's /proc/1/ns/net: {e}"),
    };
    let entered = std::thread::spawn(move || {
        use std::os::fd::AsRawFd;
        // SAFETY: setns(2) on an open descriptor, on a thread of its own
        // that ends right after.
        let r = unsafe { libc::setns(init.as_raw_fd(), libc::CLONE_NEWNET) };
        errno_of(r)
    })
    .join()
    .unwrap();
    assert_eq!(entered, Some(libc::EPERM), "entered the machine's netns");
}

#[test]
fn no_namespace_a_test_reaches_holds_the_machine_s_interfaces() {
    let meta = std::fs::metadata("/proc/self/ns/net").unwrap();
    let (out, text) = run(fixture("fixture_looks_for_the_machine_s_network_namespace")
        .env(MACHINE_NETNS, format!("{}:{}", meta.dev(), meta.ino())));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

// ---- reboot(2) inside the sandbox ends the sandbox, and says so ---------------

#[netns_test]
#[ignore = "fixture"]
fn fixture_reboots() {
    if !in_fixture_run() {
        return;
    }
    // Only ever in a PID namespace of our own, where reboot(2) ends the
    // namespace, never the machine.
    assert_in_a_sandbox();
    let ours = pid_namespace();
    assert_ne!(
        Some(ours),
        std::env::var(MACHINE_PIDNS).ok(),
        "not in a PID namespace of its own: refusing to reboot"
    );
    // SAFETY: reboot(2) in a child PID namespace kills that namespace's init.
    unsafe { libc::reboot(libc::RB_AUTOBOOT) };
    panic!("reboot(2) returned: {}", std::io::Error::last_os_error());
}

/// `dev:ino` of the meta-test's PID namespace.
const MACHINE_PIDNS: &str = "NETNS_TEST_ISOLATION_MACHINE_PIDNS";

fn pid_namespace() -> String {
    let meta = std::fs::metadata("/proc/self/ns/pid").unwrap();
    format!("{}:{}", meta.dev(), meta.ino())
}

#[test]
fn a_reboot_inside_the_sandbox_is_named() {
    let (out, text) = run(fixture("fixture_reboots").env(MACHINE_PIDNS, pid_namespace()));
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("reboot(2) (restart)"), "{text}");
}
