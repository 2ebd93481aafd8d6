//! What the probe reads, once a step has failed, to name the cause: who we
//! are, whether a seccomp filter is on, the sysctls that switch user
//! namespaces off, and whether this looks like a container.

use std::fmt;
use std::path::{Path, PathBuf};

/// `kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10+).
pub(crate) const APPARMOR_RESTRICT: &str = "kernel.apparmor_restrict_unprivileged_userns";
/// `kernel.unprivileged_userns_clone` (Debian's patch, some hardened kernels).
pub(crate) const UNPRIVILEGED_USERNS_CLONE: &str = "kernel.unprivileged_userns_clone";
/// `user.max_user_namespaces`.
pub(crate) const MAX_USER_NAMESPACES: &str = "user.max_user_namespaces";

/// The seccomp mode in which a filter is active (`Seccomp: 2`).
pub(crate) const SECCOMP_MODE_FILTER: u8 = 2;

/// What was read. `None` means unknown: absent or unreadable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The effective user id.
    pub(crate) euid: u32,
    /// Whether CAP_SYS_ADMIN is in the effective set.
    pub(crate) cap_sys_admin: bool,
    /// The `Seccomp:` line of `/proc/self/status`: 0 none, 1 strict, 2 filter.
    pub(crate) seccomp: Option<u8>,
    /// `kernel.apparmor_restrict_unprivileged_userns`.
    pub(crate) apparmor_restrict: Option<u64>,
    /// `kernel.unprivileged_userns_clone`.
    pub(crate) unprivileged_userns_clone: Option<u64>,
    /// `user.max_user_namespaces`.
    pub(crate) max_user_namespaces: Option<u64>,
    /// The container runtime, with the marker that gave it away.
    pub(crate) container: Option<String>,
    /// This test binary, for the AppArmor profile that would let it in.
    pub(crate) test_binary: Option<PathBuf>,
}

impl Facts {
    /// Reads everything; a file that cannot be read leaves its fact unknown.
    pub(crate) fn read() -> Facts {
        let status = std::fs::read_to_string("/proc/self/status").ok();
        Facts {
            euid: nix::unistd::geteuid().as_raw(),
            cap_sys_admin: caps::has_cap(
                None,
                caps::CapSet::Effective,
                caps::Capability::CAP_SYS_ADMIN,
            )
            .unwrap_or(false),
            seccomp: status.as_deref().and_then(seccomp_mode),
            apparmor_restrict: sysctl(APPARMOR_RESTRICT),
            unprivileged_userns_clone: sysctl(UNPRIVILEGED_USERNS_CLONE),
            max_user_namespaces: sysctl(MAX_USER_NAMESPACES),
            container: container(&Markers {
                env: std::env::var("container").ok(),
                dockerenv: Path::new("/.dockerenv").exists(),
                containerenv: Path::new("/run/.containerenv").exists(),
                init_cgroup: std::fs::read_to_string("/proc/1/cgroup").ok(),
                kubernetes: std::env::var_os("KUBERNETES_SERVICE_HOST").is_some(),
            }),
            test_binary: std::env::current_exe().ok(),
        }
    }
}

/// Reads a numeric sysctl through `/proc/sys`.
fn sysctl(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/sys/{}", key.replace('.', "/"))).ok()?;
    text.trim().parse().ok()
}

/// The mode on the `Seccomp:` line of a `/proc/PID/status` text.
fn seccomp_mode(status: &str) -> Option<u8> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Seccomp:")?.trim().parse().ok())
}

/// The signs of a container a process can see from inside.
#[derive(Debug, Default)]
struct Markers {
    /// The `container` environment variable (systemd-nspawn, LXC, Podman).
    env: Option<String>,
    /// `/.dockerenv` exists.
    dockerenv: bool,
    /// `/run/.containerenv` exists (Podman).
    containerenv: bool,
    /// `/proc/1/cgroup`, which names the runtime on cgroup v1 hosts.
    init_cgroup: Option<String>,
    /// `KUBERNETES_SERVICE_HOST` is set.
    kubernetes: bool,
}

/// The runtime and the marker that names it, or `None` if nothing does.
fn container(m: &Markers) -> Option<String> {
    if let Some(name) = m.env.as_deref().filter(|n| !n.is_empty()) {
        return Some(format!("{name} ($container)"));
    }
    if m.dockerenv {
        return Some("docker (/.dockerenv)".into());
    }
    if m.containerenv {
        return Some("podman (/run/.containerenv)".into());
    }
    if let Some(cgroup) = &m.init_cgroup {
        if let Some(name) = ["kubepods", "docker", "containerd", "libpod", "lxc"]
            .into_iter()
            .find(|n| cgroup.contains(n))
        {
            return Some(format!("{name} (/proc/1/cgroup)"));
        }
    }
    m.kubernetes
        .then(|| "kubernetes ($KUBERNETES_SERVICE_HOST)".into())
}

/// The AppArmor attachment pattern that covers this test binary and its
/// siblings: `target/<profile>/**` for a binary in `deps/` or `examples/`.
pub(crate) fn apparmor_pattern(test_binary: Option<&Path>) -> String {
    let Some(dir) = test_binary.and_then(Path::parent) else {
        return "/path/to/target/**".into();
    };
    let profile_dir = match dir.file_name().and_then(|n| n.to_str()) {
        Some("deps" | "examples") => dir.parent().unwrap_or(dir),
        _ => dir,
    };
    format!("{}/**", profile_dir.display())
}

/// Renders the `read:` line's contents.
impl fmt::Display for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cap = if self.cap_sys_admin {
            "with"
        } else {
            "without"
        };
        write!(f, "euid {} {cap} CAP_SYS_ADMIN; Seccomp: ", self.euid)?;
        match self.seccomp {
            Some(0) => f.write_str("0 (none)")?,
            Some(1) => f.write_str("1 (strict)")?,
            Some(SECCOMP_MODE_FILTER) => f.write_str("2 (filter)")?,
            Some(mode) => write!(f, "{mode}")?,
            None => f.write_str("unknown")?,
        }
        for (key, value) in [
            (APPARMOR_RESTRICT, self.apparmor_restrict),
            (UNPRIVILEGED_USERNS_CLONE, self.unprivileged_userns_clone),
            (MAX_USER_NAMESPACES, self.max_user_namespaces),
        ] {
            match value {
                Some(v) => write!(f, "; {key} = {v}")?,
                None => write!(f, "; {key}: unknown")?,
            }
        }
        match &self.container {
            Some(c) => write!(f, "; container: {c}"),
            None => f.write_str("; container: none seen"),
        }
    }
}

#[cfg(test)]
mod facts_should {
    use super::*;

    #[test]
    fn read_the_seccomp_mode_from_the_status_text() {
        let status = "Name:\tt\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
        assert_eq!(seccomp_mode(status), Some(2));
        assert_eq!(seccomp_mode("Name:\tt\n"), None);
    }

    #[test]
    fn name_the_container_by_the_first_marker_found() {
        let none = Markers::default();
        assert_eq!(container(&none), None);
        let docker = Markers {
            dockerenv: true,
            ..Markers::default()
        };
        assert_eq!(container(&docker).as_deref(), Some("docker (/.dockerenv)"));
        let nspawn = Markers {
            env: Some("systemd-nspawn".into()),
            dockerenv: true,
            ..Markers::default()
        };
        assert_eq!(
            container(&nspawn).as_deref(),
            Some("systemd-nspawn ($container)")
        );
        let k8s = Markers {
            init_cgroup: Some("0::/kubepods/besteffort/pod1/abc\n".into()),
            ..Markers::default()
        };
        assert_eq!(
            container(&k8s).as_deref(),
            Some("kubepods (/proc/1/cgroup)")
        );
        let host = Markers {
            init_cgroup: Some("0::/init.scope\n".into()),
            ..Markers::default()
        };
        assert_eq!(container(&host), None);
    }

    #[test]
    fn cover_the_whole_profile_directory_in_the_apparmor_pattern() {
        let deps = Path::new("/src/app/target/debug/deps/lan-0123abcd");
        assert_eq!(apparmor_pattern(Some(deps)), "/src/app/target/debug/**");
        let elsewhere = Path::new("/opt/tests/lan");
        assert_eq!(apparmor_pattern(Some(elsewhere)), "/opt/tests/**");
        assert_eq!(apparmor_pattern(None), "/path/to/target/**");
    }

    #[test]
    fn show_unknown_for_what_could_not_be_read() {
        let facts = Facts {
            euid: 1000,
            max_user_namespaces: Some(0),
            ..Facts::default()
        };
        assert_eq!(
            facts.to_string(),
            "euid 1000 without CAP_SYS_ADMIN; Seccomp: unknown; kernel.apparmor_restrict_unprivileged_userns: unknown; \
             kernel.unprivileged_userns_clone: unknown; user.max_user_namespaces = 0; \
             container: none seen"
        );
    }
}
