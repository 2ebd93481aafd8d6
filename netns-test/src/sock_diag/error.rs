//! The error of a socket-diagnostics read: which step failed, the errno the
//! kernel gave, and a fix where we know one. A failure report prints it in
//! place of the sockets it could not read.

use std::fmt;

use nix::errno::Errno;

/// What kind of failure a [`DiagError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiagErrorKind {
    /// Opening, sending on or receiving from the netlink socket failed.
    Socket,
    /// The kernel refused the dump (`NLMSG_ERROR` or `NLMSG_DONE` with a
    /// negative errno).
    Refused,
    /// The kernel's reply could not be decoded.
    Protocol,
}

/// A failed socket-diagnostics step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DiagError {
    /// What kind of failure it is.
    pub(crate) kind: DiagErrorKind,
    /// The step, e.g. `open a NETLINK_SOCK_DIAG socket` or `dump tcp sockets`.
    pub(crate) step: &'static str,
    /// The protocol the step was about (`tcp`, `udp`), if any.
    pub(crate) protocol: Option<&'static str>,
    /// The errno, when the kernel or a syscall gave one.
    pub(crate) errno: Option<Errno>,
    /// More detail: a decoding error.
    pub(crate) detail: Option<String>,
}

impl DiagError {
    /// A failure of `kind` at `step`, without errno or detail.
    pub(crate) fn new(kind: DiagErrorKind, step: &'static str) -> Self {
        DiagError {
            kind,
            step,
            protocol: None,
            errno: None,
            detail: None,
        }
    }

    /// A socket operation failed with `err`.
    pub(crate) fn socket(step: &'static str, err: &std::io::Error) -> Self {
        let errno = err.raw_os_error().map(Errno::from_raw);
        DiagError {
            errno,
            detail: errno.is_none().then(|| err.to_string()),
            ..DiagError::new(DiagErrorKind::Socket, step)
        }
    }

    /// The kernel refused the request with `errno`.
    pub(crate) fn refused(step: &'static str, errno: Errno) -> Self {
        DiagError {
            errno: Some(errno),
            ..DiagError::new(DiagErrorKind::Refused, step)
        }
    }

    /// A reply could not be decoded.
    pub(crate) fn protocol(step: &'static str, detail: impl Into<String>) -> Self {
        DiagError {
            detail: Some(detail.into()),
            ..DiagError::new(DiagErrorKind::Protocol, step)
        }
    }

    /// Names the protocol the step was about.
    pub(crate) fn for_protocol(mut self, protocol: &'static str) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// A likely fix, when the errno points to one.
    pub(crate) fn help(&self) -> Option<String> {
        match self.errno? {
            // No NETLINK_SOCK_DIAG at all: a user-space kernel (gVisor) or a
            // seccomp filter, since Linux always builds it.
            Errno::EPROTONOSUPPORT | Errno::EAFNOSUPPORT => Some(
                "this kernel offers no socket diagnostics (NETLINK_SOCK_DIAG); \
                 a sandboxed kernel such as gVisor lacks them"
                    .to_string(),
            ),
            // sock_diag has no handler for the family, or inet_diag none for
            // the protocol, and could not load the module.
            Errno::ENOENT => {
                let module = match self.protocol {
                    Some("udp") => "udp_diag",
                    _ => "tcp_diag",
                };
                Some(format!(
                    "the kernel lacks the `inet_diag` or `{module}` module \
                     (CONFIG_INET_DIAG); load it as root (`modprobe {module}`): a user \
                     namespace cannot load modules"
                ))
            }
            _ => None,
        }
    }
}

impl fmt::Display for DiagError {
    /// One line, without the help (a report prints it on a line of its own).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.step)?;
        if let Some(protocol) = self.protocol {
            write!(f, " {protocol} sockets")?;
        }
        f.write_str(": ")?;
        match self.kind {
            DiagErrorKind::Socket => f.write_str("netlink socket error")?,
            DiagErrorKind::Refused => f.write_str("the kernel refused")?,
            DiagErrorKind::Protocol => f.write_str("unexpected netlink reply")?,
        }
        if let Some(errno) = self.errno {
            write!(f, ": {errno}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DiagError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_netlink_family_names_errno_and_cause() {
        let err = DiagError::socket(
            "open a NETLINK_SOCK_DIAG socket",
            &std::io::Error::from_raw_os_error(libc::EPROTONOSUPPORT),
        );
        assert_eq!(
            err.to_string(),
            "open a NETLINK_SOCK_DIAG socket: netlink socket error: \
             EPROTONOSUPPORT: Protocol not supported"
        );
        assert!(err.help().is_some_and(|h| h.contains("gVisor")));
    }

    #[test]
    fn a_missing_udp_handler_names_the_module_to_load() {
        let err = DiagError::refused("dump", Errno::ENOENT).for_protocol("udp");
        assert_eq!(
            err.to_string(),
            "dump udp sockets: the kernel refused: ENOENT: No such file or directory"
        );
        assert!(err
            .help()
            .is_some_and(|h| h.contains("`modprobe udp_diag`")));
    }

    #[test]
    fn an_undecodable_reply_says_why_and_has_no_help() {
        let err = DiagError::protocol("dump", "reply of 12 bytes").for_protocol("tcp");
        assert_eq!(
            err.to_string(),
            "dump tcp sockets: unexpected netlink reply: reply of 12 bytes"
        );
        assert_eq!(err.help(), None);
    }
}
