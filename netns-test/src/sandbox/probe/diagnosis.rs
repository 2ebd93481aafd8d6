//! From a failed step, its errno and what was read to the likely cause and
//! the exact fix.

use std::fmt;

use nix::errno::Errno;

use super::facts::{
    apparmor_pattern, Facts, APPARMOR_RESTRICT, MAX_USER_NAMESPACES, SECCOMP_MODE_FILTER,
    UNPRIVILEGED_USERNS_CLONE,
};

/// A step of the probe, in the order the probe takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// `clone(CLONE_NEWUSER)`.
    CloneUserNs,
    /// Writing one of the new user namespace's id map files.
    WriteIdMaps(IdMap),
    /// `clone(CLONE_NEWNET)`.
    CloneNetNs,
    /// `clone(CLONE_NEWPID)`.
    ClonePidNs,
    /// `clone(CLONE_NEWNS)`.
    CloneMountNs,
    /// `clone(CLONE_NEWUTS)`.
    CloneUtsNs,
    /// `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)` in the new namespace.
    NetlinkSocket,
    /// `RTM_SETLINK` of `lo` to up.
    LoUp,
    /// `RTM_NEWLINK` of a veth pair.
    CreateVeth,
    /// `RTM_NEWLINK` of a bridge.
    CreateBridge,
}

/// The files under `/proc/PID/` that map ids into a new user namespace, in
/// the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdMap {
    /// `setgroups`, set to `deny` (required before `gid_map`).
    Setgroups,
    /// `uid_map`.
    UidMap,
    /// `gid_map`.
    GidMap,
}

impl IdMap {
    /// The file's name under `/proc/PID/`.
    pub(crate) fn file(self) -> &'static str {
        match self {
            IdMap::Setgroups => "setgroups",
            IdMap::UidMap => "uid_map",
            IdMap::GidMap => "gid_map",
        }
    }
}

impl Step {
    /// Whether the step makes a namespace (where `ENOSPC` and `EAGAIN` mean
    /// a limit reached, perhaps for a moment).
    pub(crate) fn makes_a_namespace(self) -> bool {
        matches!(
            self,
            Step::CloneUserNs
                | Step::CloneNetNs
                | Step::ClonePidNs
                | Step::CloneMountNs
                | Step::CloneUtsNs
        )
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::CloneUserNs => {
                f.write_str("creating a user namespace (clone with CLONE_NEWUSER)")
            }
            Step::WriteIdMaps(map) => {
                write!(
                    f,
                    "writing the user namespace's id maps (/proc/PID/{})",
                    map.file()
                )
            }
            Step::CloneNetNs => {
                f.write_str("creating a network namespace (clone with CLONE_NEWNET)")
            }
            Step::ClonePidNs => f.write_str("creating a PID namespace (clone with CLONE_NEWPID)"),
            Step::CloneMountNs => {
                f.write_str("creating a mount namespace (clone with CLONE_NEWNS)")
            }
            Step::CloneUtsNs => f.write_str("creating a UTS namespace (clone with CLONE_NEWUTS)"),
            Step::NetlinkSocket => f.write_str("opening a netlink socket (NETLINK_ROUTE)"),
            Step::LoUp => f.write_str("setting `lo` up (RTM_SETLINK)"),
            Step::CreateVeth => f.write_str("creating a veth pair (RTM_NEWLINK, kind veth)"),
            Step::CreateBridge => f.write_str("creating a bridge (RTM_NEWLINK, kind bridge)"),
        }
    }
}

/// Why this environment cannot run namespace tests. Its `Display` is the
/// message a failing test shows: the step and errno, then each likely cause
/// with its fix, then what was read.
#[derive(Debug)]
pub(crate) struct Unsupported {
    /// A namespace limit was reached and stayed reached through every retry
    /// (it may clear later): never a reason to skip a test.
    pub(crate) transient: bool,
    /// The step that failed.
    pub(crate) step: Step,
    /// Its errno; `UnknownErrno` when the step did not fail with one (the
    /// helper process died or did not answer), see `detail`.
    pub(crate) errno: Errno,
    /// More on what happened, when the errno does not say it all.
    pub(crate) detail: Option<String>,
    /// Whether the sandbox (and so the probe) makes a user namespace.
    pub(crate) user_namespace: bool,
    /// What was read to name the cause.
    pub(crate) facts: Facts,
}

impl Unsupported {
    /// `EPERM`, or `no errno` when there is none.
    pub(crate) fn errno_name(&self) -> String {
        match self.errno {
            Errno::UnknownErrno => "no errno".into(),
            errno => format!("{errno:?}"),
        }
    }

    /// Every cause that fits what was seen, most likely first; empty when
    /// none does.
    pub(crate) fn causes(&self) -> Vec<Cause> {
        diagnose(self.step, self.errno, self.user_namespace, &self.facts)
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "netns-test: this environment cannot run namespace tests: {} failed",
            self.step
        )?;
        match (self.errno, &self.detail) {
            (Errno::UnknownErrno, Some(detail)) => write!(f, ": {detail}")?,
            (errno, detail) => {
                write!(f, " with {errno:?} ({})", errno.desc())?;
                if self.transient {
                    write!(
                        f,
                        " on every try for {:?} (a limit that tests running at once reach \
                         for a moment clears in time; this one did not)",
                        super::super::transient::retry_for()
                    )?;
                }
                if let Some(detail) = detail {
                    write!(f, "\n  detail: {detail}")?;
                }
            }
        }
        let causes = self.causes();
        if causes.is_empty() {
            f.write_str(
                "\n  likely cause: none that netns-test recognizes from what it read (below)\
                 \n  fix: see the netns-test README, \"When tests cannot run\"",
            )?;
        }
        for cause in &causes {
            write!(f, "\n  likely cause: {}", cause.text(&self.facts))?;
            write!(f, "\n  fix: {}", cause.fix(&self.facts))?;
        }
        write!(
            f,
            "\n  read: {}; user namespace: {}",
            self.facts,
            if self.user_namespace {
                "used"
            } else {
                "not used"
            }
        )
    }
}

/// A likely cause of a failed probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// Ubuntu's AppArmor restriction: the user namespace is made but holds
    /// no capabilities.
    AppArmor,
    /// Debian's `kernel.unprivileged_userns_clone = 0`.
    UnprivilegedUsernsClone,
    /// A seccomp filter refuses `what` (a container's default profile).
    SeccompFilter {
        /// What is refused: "new user namespaces", ...
        what: &'static str,
    },
    /// A `user.max_*_namespaces` limit is 0 or reached.
    NamespaceLimit {
        /// `user`, `network` or `PID`.
        kind: &'static str,
        /// The sysctl that sets the limit.
        sysctl: &'static str,
        /// Its value, if read.
        value: Option<u64>,
    },
    /// User namespaces nested deeper than the kernel allows.
    NestedTooDeep,
    /// The kernel was built without a namespace type.
    KernelLacks {
        /// "user namespaces", ...
        what: &'static str,
        /// Its kernel option: `CONFIG_USER_NS`, ...
        config: &'static str,
    },
    /// No user namespace, and no CAP_SYS_ADMIN to do without one.
    NoCapSysAdmin,
    /// The kernel has no such link type (module not loaded).
    MissingLinkKind {
        /// `veth` or `bridge`.
        kind: &'static str,
    },
}

/// The causes that fit, most likely first.
pub(crate) fn diagnose(
    step: Step,
    errno: Errno,
    user_namespace: bool,
    facts: &Facts,
) -> Vec<Cause> {
    let seccomp = facts.seccomp == Some(SECCOMP_MODE_FILTER);
    let apparmor = facts.apparmor_restrict.is_some_and(|v| v != 0);
    let seccomp_refuses = |what| seccomp.then_some(Cause::SeccompFilter { what });
    match (step, errno) {
        (Step::CloneUserNs, Errno::EPERM) => {
            let causes: Vec<Cause> = [
                (facts.unprivileged_userns_clone == Some(0))
                    .then_some(Cause::UnprivilegedUsernsClone),
                seccomp_refuses("new user namespaces"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if causes.is_empty() && apparmor {
                vec![Cause::AppArmor]
            } else {
                causes
            }
        }
        (
            Step::CloneNetNs | Step::ClonePidNs | Step::CloneMountNs | Step::CloneUtsNs,
            Errno::EPERM,
        ) if !user_namespace => [
            (!facts.cap_sys_admin).then_some(Cause::NoCapSysAdmin),
            seccomp_refuses("new namespaces"),
        ]
        .into_iter()
        .flatten()
        .collect(),
        (Step::CloneNetNs, Errno::EPERM | Errno::EACCES) if !apparmor => {
            seccomp_refuses("new network namespaces")
                .into_iter()
                .collect()
        }
        (Step::ClonePidNs, Errno::EPERM | Errno::EACCES) if !apparmor => {
            seccomp_refuses("new PID namespaces").into_iter().collect()
        }
        (Step::CloneMountNs, Errno::EPERM | Errno::EACCES) if !apparmor => {
            seccomp_refuses("new mount namespaces")
                .into_iter()
                .collect()
        }
        (Step::CloneUtsNs, Errno::EPERM | Errno::EACCES) if !apparmor => {
            seccomp_refuses("new UTS namespaces").into_iter().collect()
        }
        (Step::NetlinkSocket, Errno::EPERM | Errno::EACCES) if !apparmor => {
            seccomp_refuses("netlink sockets").into_iter().collect()
        }
        // The user namespace was made, but holds no capabilities.
        (_, Errno::EPERM | Errno::EACCES) if apparmor && user_namespace => vec![Cause::AppArmor],
        (Step::CloneUserNs, Errno::ENOSPC) => vec![Cause::NamespaceLimit {
            kind: "user",
            sysctl: MAX_USER_NAMESPACES,
            value: facts.max_user_namespaces,
        }],
        (Step::CloneNetNs, Errno::ENOSPC) => vec![Cause::NamespaceLimit {
            kind: "network",
            sysctl: "user.max_net_namespaces",
            value: None,
        }],
        (Step::ClonePidNs, Errno::ENOSPC) => vec![Cause::NamespaceLimit {
            kind: "PID",
            sysctl: "user.max_pid_namespaces",
            value: None,
        }],
        (Step::CloneUserNs, Errno::EUSERS) => vec![Cause::NestedTooDeep],
        (Step::CloneUserNs, Errno::EINVAL) => vec![Cause::KernelLacks {
            what: "user namespaces",
            config: "CONFIG_USER_NS",
        }],
        (Step::CloneNetNs, Errno::EINVAL) => vec![Cause::KernelLacks {
            what: "network namespaces",
            config: "CONFIG_NET_NS",
        }],
        (Step::ClonePidNs, Errno::EINVAL) => vec![Cause::KernelLacks {
            what: "PID namespaces",
            config: "CONFIG_PID_NS",
        }],
        (Step::CloneUtsNs, Errno::EINVAL) => vec![Cause::KernelLacks {
            what: "UTS namespaces",
            config: "CONFIG_UTS_NS",
        }],
        (Step::CloneMountNs, Errno::ENOSPC) => vec![Cause::NamespaceLimit {
            kind: "mount",
            sysctl: "user.max_mnt_namespaces",
            value: None,
        }],
        (Step::CloneUtsNs, Errno::ENOSPC) => vec![Cause::NamespaceLimit {
            kind: "UTS",
            sysctl: "user.max_uts_namespaces",
            value: None,
        }],
        (Step::CreateVeth, Errno::EOPNOTSUPP) => vec![Cause::MissingLinkKind { kind: "veth" }],
        (Step::CreateBridge, Errno::EOPNOTSUPP) => vec![Cause::MissingLinkKind { kind: "bridge" }],
        _ => Vec::new(),
    }
}

/// A limit to raise `current` to: at least 15000, as common distributions set.
fn raised_limit(current: Option<u64>) -> u64 {
    current.map_or(15000, |n| n.saturating_mul(2).max(15000))
}

impl Cause {
    /// The `likely cause:` text.
    pub(crate) fn text(&self, facts: &Facts) -> String {
        match self {
            Cause::AppArmor => format!(
                "AppArmor restricts unprivileged user namespaces ({APPARMOR_RESTRICT} = {}, \
                 as on Ubuntu 23.10 and later): the namespace is made but holds no capabilities",
                facts.apparmor_restrict.unwrap_or(1)
            ),
            Cause::UnprivilegedUsernsClone => format!(
                "unprivileged user namespaces are switched off: {UNPRIVILEGED_USERNS_CLONE} = 0 \
                 (Debian before 11, some hardened kernels)"
            ),
            Cause::SeccompFilter { what } => match &facts.container {
                Some(container) => format!(
                    "the seccomp profile of this container ({container}) refuses {what} \
                     (Seccomp: 2, a filter is active); the default profiles of Docker and \
                     Podman do"
                ),
                None => format!(
                    "a seccomp filter refuses {what} (Seccomp: 2, a filter is active), as the \
                     default profiles of Docker and Podman do"
                ),
            },
            Cause::NamespaceLimit {
                kind,
                sysctl,
                value: Some(0),
            } => {
                format!("{kind} namespaces are switched off: {sysctl} = 0")
            }
            Cause::NamespaceLimit {
                kind,
                sysctl,
                value,
            } => format!(
                "the limit on {kind} namespaces ({sysctl}{}) is reached{}",
                value.map_or(String::new(), |v| format!(" = {v}")),
                if *kind == "PID" {
                    ", or PID namespaces are nested 32 deep"
                } else {
                    ""
                }
            ),
            Cause::NestedTooDeep => {
                "user namespaces are nested too deep here: the kernel allows 32 levels".into()
            }
            Cause::KernelLacks { what, config } => {
                format!("this kernel has no {what}: it was built without {config}")
            }
            Cause::NoCapSysAdmin => format!(
                "without a user namespace (NETNS_TEST_USERNS=never), new namespaces need \
                 CAP_SYS_ADMIN, which this process (euid {}) does not have",
                facts.euid
            ),
            Cause::MissingLinkKind { kind } => format!(
                "the kernel has no `{kind}` link type: its module is not loaded, and a user \
                 namespace cannot load modules (or the kernel lacks CONFIG_{})",
                kind.to_uppercase()
            ),
        }
    }

    /// The `fix:` text: the exact command or setting.
    pub(crate) fn fix(&self, facts: &Facts) -> String {
        match self {
            Cause::AppArmor => format!(
                "`sudo sysctl -w {APPARMOR_RESTRICT}=0`, or let the test binaries make user \
                 namespaces with an AppArmor profile: write\
                 \n      abi <abi/4.0>,\
                 \n      include <tunables/global>\
                 \n      profile netns-test {} flags=(unconfined) {{\
                 \n        userns,\
                 \n      }}\
                 \n    to /etc/apparmor.d/netns-test and run \
                 `sudo apparmor_parser -r /etc/apparmor.d/netns-test`",
                apparmor_pattern(facts.test_binary.as_deref())
            ),
            Cause::UnprivilegedUsernsClone => {
                format!("`sudo sysctl -w {UNPRIVILEGED_USERNS_CLONE}=1`")
            }
            Cause::SeccompFilter { .. } => "run the container with \
                 `--security-opt seccomp=unconfined` (or `--privileged`)"
                .into(),
            Cause::NamespaceLimit { sysctl, value, .. } => {
                format!("`sudo sysctl -w {sysctl}={}`", raised_limit(*value))
            }
            Cause::NestedTooDeep => "run the tests from a less deeply nested user namespace".into(),
            Cause::KernelLacks {
                config: "CONFIG_USER_NS",
                ..
            } => "boot a kernel built with \
                 CONFIG_USER_NS=y, or run the tests as root (with CAP_SYS_ADMIN no user \
                 namespace is needed)"
                .into(),
            Cause::KernelLacks { config, .. } => format!("boot a kernel built with {config}=y"),
            Cause::NoCapSysAdmin => "unset NETNS_TEST_USERNS (or set it to `always`) so that \
                 netns-test makes a user namespace, or run the tests as root"
                .into(),
            Cause::MissingLinkKind { kind } => format!("`sudo modprobe {kind}`"),
        }
    }
}

#[cfg(test)]
mod diagnosis_should {
    use std::path::PathBuf;

    use super::*;

    fn unsupported(step: Step, errno: Errno, facts: Facts) -> Unsupported {
        Unsupported {
            transient: false,
            step,
            errno,
            detail: None,
            user_namespace: true,
            facts,
        }
    }

    /// An unprivileged user on a host where nothing is switched off.
    fn plain() -> Facts {
        Facts {
            euid: 1000,
            cap_sys_admin: false,
            seccomp: Some(0),
            apparmor_restrict: None,
            unprivileged_userns_clone: None,
            max_user_namespaces: Some(63_000),
            container: None,
            test_binary: Some(PathBuf::from("/src/app/target/debug/deps/lan-0123abcd")),
        }
    }

    /// The `likely cause:` and `fix:` lines of a message, in order.
    fn advice(message: &str) -> Vec<&str> {
        message
            .lines()
            .filter_map(|l| {
                l.trim_start()
                    .strip_prefix("likely cause: ")
                    .or(l.trim_start().strip_prefix("fix: "))
            })
            .collect()
    }

    #[test]
    fn blame_apparmor_when_the_id_map_write_is_refused() {
        let facts = Facts {
            apparmor_restrict: Some(1),
            ..plain()
        };
        let message =
            unsupported(Step::WriteIdMaps(IdMap::UidMap), Errno::EPERM, facts).to_string();
        assert_eq!(
            message,
            "netns-test: this environment cannot run namespace tests: writing the user \
             namespace's id maps (/proc/PID/uid_map) failed with EPERM (Operation not permitted)\
             \n  likely cause: AppArmor restricts unprivileged user namespaces \
             (kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 23.10 and later): \
             the namespace is made but holds no capabilities\
             \n  fix: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, or let \
             the test binaries make user namespaces with an AppArmor profile: write\
             \n      abi <abi/4.0>,\
             \n      include <tunables/global>\
             \n      profile netns-test /src/app/target/debug/** flags=(unconfined) {\
             \n        userns,\
             \n      }\
             \n    to /etc/apparmor.d/netns-test and run \
             `sudo apparmor_parser -r /etc/apparmor.d/netns-test`\
             \n  read: euid 1000 without CAP_SYS_ADMIN; Seccomp: 0 (none); \
             kernel.apparmor_restrict_unprivileged_userns = 1; \
             kernel.unprivileged_userns_clone: unknown; user.max_user_namespaces = 63000; \
             container: none seen; user namespace: used"
        );
    }

    #[test]
    fn blame_apparmor_when_the_first_link_is_refused() {
        let facts = Facts {
            apparmor_restrict: Some(1),
            ..plain()
        };
        let why = unsupported(Step::LoUp, Errno::EPERM, facts);
        assert_eq!(why.causes(), [Cause::AppArmor]);
    }

    #[test]
    fn blame_debians_switch_when_unprivileged_userns_clone_is_0() {
        let facts = Facts {
            unprivileged_userns_clone: Some(0),
            ..plain()
        };
        let message = unsupported(Step::CloneUserNs, Errno::EPERM, facts).to_string();
        assert_eq!(
            advice(&message),
            [
                "unprivileged user namespaces are switched off: \
                 kernel.unprivileged_userns_clone = 0 (Debian before 11, some hardened kernels)",
                "`sudo sysctl -w kernel.unprivileged_userns_clone=1`",
            ]
        );
    }

    #[test]
    fn blame_max_user_namespaces_when_it_is_0() {
        let facts = Facts {
            max_user_namespaces: Some(0),
            ..plain()
        };
        let message = unsupported(Step::CloneUserNs, Errno::ENOSPC, facts).to_string();
        assert!(message.starts_with(
            "netns-test: this environment cannot run namespace tests: creating a user namespace \
             (clone with CLONE_NEWUSER) failed with ENOSPC (No space left on device)\n"
        ));
        assert_eq!(
            advice(&message),
            [
                "user namespaces are switched off: user.max_user_namespaces = 0",
                "`sudo sysctl -w user.max_user_namespaces=15000`",
            ]
        );
    }

    #[test]
    fn say_the_limit_is_reached_when_max_user_namespaces_is_not_0() {
        let facts = Facts {
            max_user_namespaces: Some(10_000),
            ..plain()
        };
        let message = unsupported(Step::CloneUserNs, Errno::ENOSPC, facts).to_string();
        assert_eq!(
            advice(&message),
            [
                "the limit on user namespaces (user.max_user_namespaces = 10000) is reached",
                "`sudo sysctl -w user.max_user_namespaces=20000`",
            ]
        );
    }

    #[test]
    fn blame_the_containers_seccomp_profile_when_clone_is_refused_under_a_filter() {
        let facts = Facts {
            euid: 0,
            seccomp: Some(2),
            container: Some("docker (/.dockerenv)".into()),
            ..plain()
        };
        let message = unsupported(Step::CloneUserNs, Errno::EPERM, facts).to_string();
        assert_eq!(
            advice(&message),
            [
                "the seccomp profile of this container (docker (/.dockerenv)) refuses new user \
                 namespaces (Seccomp: 2, a filter is active); the default profiles of Docker \
                 and Podman do",
                "run the container with `--security-opt seccomp=unconfined` (or `--privileged`)",
            ]
        );
    }

    #[test]
    fn blame_a_seccomp_filter_outside_a_known_container_too() {
        let facts = Facts {
            seccomp: Some(2),
            ..plain()
        };
        let message = unsupported(Step::CloneUserNs, Errno::EPERM, facts).to_string();
        assert_eq!(
            advice(&message)[0],
            "a seccomp filter refuses new user namespaces (Seccomp: 2, a filter is active), as \
             the default profiles of Docker and Podman do"
        );
    }

    #[test]
    fn give_both_fixes_when_a_filter_and_debians_switch_both_refuse() {
        let facts = Facts {
            seccomp: Some(2),
            unprivileged_userns_clone: Some(0),
            ..plain()
        };
        let why = unsupported(Step::CloneUserNs, Errno::EPERM, facts);
        assert_eq!(
            why.causes(),
            [
                Cause::UnprivilegedUsernsClone,
                Cause::SeccompFilter {
                    what: "new user namespaces"
                }
            ]
        );
    }

    #[test]
    fn blame_the_kernel_when_clone_newuser_is_invalid() {
        let message = unsupported(Step::CloneUserNs, Errno::EINVAL, plain()).to_string();
        assert_eq!(
            advice(&message),
            [
                "this kernel has no user namespaces: it was built without CONFIG_USER_NS",
                "boot a kernel built with CONFIG_USER_NS=y, or run the tests as root (with \
                 CAP_SYS_ADMIN no user namespace is needed)",
            ]
        );
    }

    #[test]
    fn name_the_missing_link_kind_and_its_module() {
        let message = unsupported(Step::CreateBridge, Errno::EOPNOTSUPP, plain()).to_string();
        assert!(
            message.contains("creating a bridge (RTM_NEWLINK, kind bridge) failed with EOPNOTSUPP")
        );
        assert_eq!(
            advice(&message),
            [
                "the kernel has no `bridge` link type: its module is not loaded, and a user \
                 namespace cannot load modules (or the kernel lacks CONFIG_BRIDGE)",
                "`sudo modprobe bridge`",
            ]
        );
        let veth = unsupported(Step::CreateVeth, Errno::EOPNOTSUPP, plain());
        assert_eq!(veth.causes(), [Cause::MissingLinkKind { kind: "veth" }]);
    }

    #[test]
    fn blame_nesting_when_clone_newuser_says_eusers() {
        let why = unsupported(Step::CloneUserNs, Errno::EUSERS, plain());
        assert_eq!(why.causes(), [Cause::NestedTooDeep]);
    }

    #[test]
    fn blame_the_missing_capability_when_told_to_do_without_a_user_namespace() {
        let mut why = unsupported(Step::CloneNetNs, Errno::EPERM, plain());
        why.user_namespace = false;
        let message = why.to_string();
        assert_eq!(
            advice(&message),
            [
                "without a user namespace (NETNS_TEST_USERNS=never), new namespaces need \
                 CAP_SYS_ADMIN, which this process (euid 1000) does not have",
                "unset NETNS_TEST_USERNS (or set it to `always`) so that netns-test makes a user \
                 namespace, or run the tests as root",
            ]
        );
        assert!(message.ends_with("; user namespace: not used"));
    }

    #[test]
    fn blame_capability_and_filter_for_root_in_a_container_told_to_do_without() {
        let facts = Facts {
            euid: 0,
            seccomp: Some(2),
            ..plain()
        };
        let mut why = unsupported(Step::CloneNetNs, Errno::EPERM, facts);
        why.user_namespace = false;
        assert_eq!(
            why.causes(),
            [
                Cause::NoCapSysAdmin,
                Cause::SeccompFilter {
                    what: "new namespaces"
                }
            ]
        );
    }

    #[test]
    fn blame_a_filter_that_refuses_netlink_sockets() {
        let facts = Facts {
            seccomp: Some(2),
            ..plain()
        };
        let why = unsupported(Step::NetlinkSocket, Errno::EACCES, facts);
        assert_eq!(
            why.causes(),
            [Cause::SeccompFilter {
                what: "netlink sockets"
            }]
        );
    }

    #[test]
    fn give_step_errno_and_what_was_read_when_nothing_fits() {
        let facts = Facts {
            container: Some("docker (/.dockerenv)".into()),
            ..plain()
        };
        let message = unsupported(Step::CreateVeth, Errno::ENOMEM, facts).to_string();
        assert_eq!(
            message,
            "netns-test: this environment cannot run namespace tests: creating a veth pair \
             (RTM_NEWLINK, kind veth) failed with ENOMEM (Out of memory)\
             \n  likely cause: none that netns-test recognizes from what it read (below)\
             \n  fix: see the netns-test README, \"When tests cannot run\"\
             \n  read: euid 1000 without CAP_SYS_ADMIN; Seccomp: 0 (none); \
             kernel.apparmor_restrict_unprivileged_userns: unknown; \
             kernel.unprivileged_userns_clone: unknown; user.max_user_namespaces = 63000; \
             container: docker (/.dockerenv); user namespace: used"
        );
    }

    #[test]
    fn say_how_the_helper_died_when_there_is_no_errno() {
        let mut why = unsupported(Step::NetlinkSocket, Errno::UnknownErrno, plain());
        why.detail = Some("the probe process was killed by signal 31 (SIGSYS)".into());
        assert!(why.to_string().starts_with(
            "netns-test: this environment cannot run namespace tests: opening a netlink socket \
             (NETLINK_ROUTE) failed: the probe process was killed by signal 31 (SIGSYS)\n"
        ));
        assert_eq!(why.errno_name(), "no errno");
    }
}
