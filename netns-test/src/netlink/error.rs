//! The error of every netlink step: which step failed on which object, the
//! errno the kernel gave, its extended-ack message, and a fix where we know one.

use std::fmt;

use nix::errno::Errno;

/// What kind of failure a [`SetupError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetupErrorKind {
    /// The kernel refused a request (`NLMSG_ERROR` with a negative errno).
    Refused,
    /// Opening, sending on or receiving from the netlink socket failed.
    Socket,
    /// The kernel's reply could not be decoded.
    Protocol,
    /// Links did not reach the wanted state before the deadline.
    Timeout,
    /// No interface has the given name.
    NotFound,
    /// The plan and the sockets or namespace handles given do not match.
    InvalidInput,
}

/// A failed netlink step, with enough context to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetupError {
    /// What kind of failure it is.
    pub(crate) kind: SetupErrorKind,
    /// The step, e.g. `create veth`.
    pub(crate) step: &'static str,
    /// The object it was applied to, e.g. `ns1:eth0 <-> host:ns1-nic`.
    pub(crate) object: String,
    /// The errno, when the kernel or a syscall gave one.
    pub(crate) errno: Option<Errno>,
    /// The kernel's extended-ack message (`NLMSGERR_ATTR_MSG`), if any.
    pub(crate) extack: Option<String>,
    /// More detail: the links still not up, a decoding error.
    pub(crate) detail: Option<String>,
}

impl SetupError {
    /// A failure of `kind` at `step` on `object`, without errno or detail.
    pub(crate) fn new(kind: SetupErrorKind, step: &'static str, object: impl Into<String>) -> Self {
        SetupError {
            kind,
            step,
            object: object.into(),
            errno: None,
            extack: None,
            detail: None,
        }
    }

    /// The kernel refused the request with `errno` (and maybe said why).
    pub(crate) fn refused(
        step: &'static str,
        object: impl Into<String>,
        errno: Errno,
        extack: Option<String>,
    ) -> Self {
        SetupError {
            errno: Some(errno),
            extack,
            ..SetupError::new(SetupErrorKind::Refused, step, object)
        }
    }

    /// A socket operation failed with `err`.
    pub(crate) fn socket(
        step: &'static str,
        object: impl Into<String>,
        err: &std::io::Error,
    ) -> Self {
        let errno = err.raw_os_error().map(Errno::from_raw);
        SetupError {
            errno,
            detail: errno.is_none().then(|| err.to_string()),
            ..SetupError::new(SetupErrorKind::Socket, step, object)
        }
    }

    /// Adds a detail line.
    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Replaces step and object (used when a socket-level error surfaces in
    /// a higher-level step).
    pub(crate) fn at(mut self, step: &'static str, object: impl Into<String>) -> Self {
        self.step = step;
        self.object = object.into();
        self
    }

    /// A likely fix, when the step and errno point to one.
    pub(crate) fn help(&self) -> Option<String> {
        let creating = self.step.starts_with("create");
        let help = match (self.kind, self.errno) {
            (SetupErrorKind::Timeout, _) => {
                "a veth end is not operationally up while its peer is down, a bridge \
                 stays DOWN until one of its ports is up, and an IPv6 address can receive \
                 once the kernel's addrconf work has given it its local route"
            }
            (SetupErrorKind::NotFound, _) => "check the interface name against the topology",
            (_, Some(Errno::EOPNOTSUPP)) if creating => {
                return Some(format!(
                    "the kernel lacks the `{}` link type (CONFIG_{}); load its module as \
                     root (`modprobe {}`): a user namespace cannot load modules",
                    self.link_type(),
                    self.link_type().to_uppercase(),
                    self.link_type()
                ));
            }
            (_, Some(Errno::EEXIST)) if creating => {
                "an interface with this name or index already exists in that namespace"
            }
            (_, Some(Errno::EEXIST)) if self.step == "add address" => {
                "this address is already on the interface"
            }
            (_, Some(Errno::EEXIST)) if self.step == "add route" => {
                "a route to this destination already exists"
            }
            (_, Some(Errno::EBUSY)) if creating => "the interface index is taken in that namespace",
            (_, Some(Errno::EPERM | Errno::EACCES)) => {
                "not privileged in this namespace: CAP_NET_ADMIN over the namespace's \
                 owning user namespace is needed"
            }
            (_, Some(Errno::ENETUNREACH)) => {
                "no interface of this namespace has a prefix containing the gateway, or \
                 that interface is down"
            }
            (_, Some(Errno::ENODEV)) => "the interface does not exist (an earlier step failed?)",
            (_, Some(Errno::EINVAL | Errno::ERANGE)) if creating => {
                "an attribute was rejected: an MTU outside 68..=65535, or a bridge that \
                 does not exist?"
            }
            (_, Some(Errno::ENOBUFS)) => {
                "the netlink socket's receive buffer overflowed; raise net.core.rmem_max"
            }
            (_, Some(Errno::EAFNOSUPPORT)) => {
                "the interface has no IPv6 state: the kernel removes it from a device whose \
                 MTU is below 1280 (a bridge takes its smallest port's MTU), and from every \
                 device where IPv6 is disabled (`net.ipv6.conf.*.disable_ipv6`, \
                 `ipv6.disable=1`)"
            }
            (_, Some(Errno::EPROTONOSUPPORT)) => "the kernel lacks this protocol family",
            _ => return None,
        };
        Some(help.to_string())
    }

    /// `veth` or `bridge`, from the step name.
    fn link_type(&self) -> &'static str {
        if self.step.contains("bridge") {
            "bridge"
        } else {
            "veth"
        }
    }
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.object.is_empty() {
            write!(f, "{}: ", self.step)?;
        } else {
            write!(f, "{} {}: ", self.step, self.object)?;
        }
        match self.kind {
            SetupErrorKind::Refused => f.write_str("the kernel refused")?,
            SetupErrorKind::Socket => f.write_str("netlink socket error")?,
            SetupErrorKind::Protocol => f.write_str("unexpected netlink reply")?,
            SetupErrorKind::Timeout => f.write_str("timed out")?,
            SetupErrorKind::NotFound => f.write_str("no such interface")?,
            SetupErrorKind::InvalidInput => f.write_str("invalid input")?,
        }
        if let Some(errno) = self.errno {
            write!(f, ": {errno}")?;
        }
        if let Some(extack) = &self.extack {
            write!(f, " (kernel: {extack})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(help) = self.help() {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SetupError {}

impl From<SetupError> for std::io::Error {
    fn from(err: SetupError) -> Self {
        match err.errno {
            Some(errno) if err.kind != SetupErrorKind::Timeout => {
                std::io::Error::new(std::io::Error::from(errno).kind(), err)
            }
            _ => match err.kind {
                SetupErrorKind::Timeout => std::io::Error::new(std::io::ErrorKind::TimedOut, err),
                SetupErrorKind::NotFound => std::io::Error::new(std::io::ErrorKind::NotFound, err),
                _ => std::io::Error::other(err),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_veth_names_step_object_errno_extack_and_fix() {
        let err = SetupError::refused(
            "create veth",
            "ns1:eth0 <-> host:ns1-nic",
            Errno::EOPNOTSUPP,
            Some("Unknown device type".into()),
        );
        assert_eq!(
            err.to_string(),
            "create veth ns1:eth0 <-> host:ns1-nic: the kernel refused: \
             EOPNOTSUPP: Operation not supported on transport endpoint \
             (kernel: Unknown device type)\n  help: the kernel lacks the `veth` link type \
             (CONFIG_VETH); load its module as root (`modprobe veth`): a user namespace \
             cannot load modules"
        );
    }

    #[test]
    fn a_name_clash_says_so() {
        let err = SetupError::refused("create bridge", "host:br0", Errno::EEXIST, None);
        assert_eq!(
            err.help().as_deref(),
            Some("an interface with this name or index already exists in that namespace")
        );
    }

    #[test]
    fn a_timeout_lists_the_links_and_converts_to_timed_out() {
        let err = SetupError::new(SetupErrorKind::Timeout, "wait for links up", "after 5s")
            .with_detail("ns1:eth0 is LOWERLAYERDOWN");
        assert!(err.to_string().starts_with(
            "wait for links up after 5s: timed out: ns1:eth0 is LOWERLAYERDOWN\n  help:"
        ));
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    }
}
