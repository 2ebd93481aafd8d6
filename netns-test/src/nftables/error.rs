//! The error of an nf_tables step: which step failed on which object, the
//! errno the kernel gave, and, when the kernel lacks a part of nf_tables,
//! which kernel option and what to do about it.

use std::fmt;

use nix::errno::Errno;

/// A step of setting up a namespace's ruleset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// `socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER)`.
    Socket,
    /// `NFNL_MSG_BATCH_BEGIN` for the nf_tables subsystem.
    Begin,
    /// `NFT_MSG_NEWTABLE` of the `inet` table.
    Table,
    /// `NFT_MSG_NEWCHAIN` of a chain of type `nat`.
    Chain,
    /// `NFT_MSG_NEWRULE` of a `masq` rule.
    Masquerade,
    /// `NFT_MSG_NEWRULE` of a DNAT rule.
    Forward,
    /// `NFT_MSG_NEWRULE` of a partition's drop rule.
    Partition,
    /// Sending the batch or reading its acks.
    Exchange,
}

impl Step {
    fn describe(self) -> &'static str {
        match self {
            Step::Socket => "open a NETLINK_NETFILTER socket",
            Step::Begin => "begin an nf_tables batch",
            Step::Table => "create nf_tables table",
            Step::Chain => "create nf_tables chain",
            Step::Masquerade => "add masquerade rule",
            Step::Forward => "add port forwarding rule",
            Step::Partition => "add partition rule",
            Step::Exchange => "exchange the nf_tables batch",
        }
    }

    /// The kernel option (and module, if it can be one) that this step
    /// needs, when `errno` says the kernel lacks it.
    fn missing(self, errno: Errno) -> Option<KernelOption> {
        let absent = matches!(
            errno,
            Errno::ENOENT | Errno::EOPNOTSUPP | Errno::EPROTONOSUPPORT | Errno::EAFNOSUPPORT
        );
        if !absent {
            return None;
        }
        Some(match self {
            Step::Socket => KernelOption::new("CONFIG_NETFILTER_NETLINK", Some("nfnetlink")),
            Step::Begin => KernelOption::new("CONFIG_NF_TABLES", Some("nf_tables")),
            Step::Table => KernelOption::new("CONFIG_NF_TABLES_INET", None),
            Step::Chain => KernelOption::new("CONFIG_NFT_NAT", Some("nft_chain_nat")),
            Step::Masquerade => KernelOption::new("CONFIG_NFT_MASQ", Some("nft_masq")),
            Step::Forward => KernelOption::new("CONFIG_NFT_NAT", Some("nft_nat")),
            Step::Exchange | Step::Partition => return None,
        })
    }
}

/// A kernel configuration option nf_tables NAT needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KernelOption {
    /// E.g. `CONFIG_NFT_MASQ`.
    pub(crate) name: &'static str,
    /// The module that provides it, if it can be built as one.
    pub(crate) module: Option<&'static str>,
}

impl KernelOption {
    const fn new(name: &'static str, module: Option<&'static str>) -> KernelOption {
        KernelOption { name, module }
    }

    fn fix(&self) -> String {
        match self.module {
            Some(module) => format!(
                "load its module on the machine as root (`modprobe {module}`; a user namespace \
                 cannot load modules), or use a kernel built with {}=y or =m",
                self.name
            ),
            None => format!("use a kernel built with {}=y", self.name),
        }
    }
}

/// A failed nf_tables step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NftError {
    /// The node the ruleset is for.
    pub(crate) node: String,
    /// What failed.
    pub(crate) step: Step,
    /// What it was applied to, e.g. `nat host:uplink`.
    pub(crate) object: String,
    /// The errno, when the kernel or a syscall gave one.
    pub(crate) errno: Option<Errno>,
    /// The kernel's extended-ack message, if any.
    pub(crate) extack: Option<String>,
    /// More detail: a decoding error.
    pub(crate) detail: Option<String>,
}

impl NftError {
    pub(super) fn new(node: &str, step: Step, object: impl Into<String>) -> NftError {
        NftError {
            node: node.to_owned(),
            step,
            object: object.into(),
            errno: None,
            extack: None,
            detail: None,
        }
    }

    pub(super) fn errno(mut self, errno: Errno) -> NftError {
        self.errno = Some(errno);
        self
    }

    pub(super) fn io(mut self, err: &std::io::Error) -> NftError {
        match err.raw_os_error() {
            Some(code) => self.errno = Some(Errno::from_raw(code)),
            None => self.detail = Some(err.to_string()),
        }
        self
    }

    pub(super) fn detail(mut self, detail: impl Into<String>) -> NftError {
        self.detail = Some(detail.into());
        self
    }

    /// The kernel option whose absence this error shows: the test's
    /// topology needs what this kernel does not have.
    pub(crate) fn missing(&self) -> Option<KernelOption> {
        self.errno.and_then(|errno| self.step.missing(errno))
    }
}

impl fmt::Display for NftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "in `{}`: {}", self.node, self.step.describe())?;
        if !self.object.is_empty() {
            write!(f, " `{}`", self.object)?;
        }
        match self.errno {
            Some(errno) => write!(f, " failed with {errno:?}")?,
            None => f.write_str(" failed")?,
        }
        if let Some(extack) = &self.extack {
            write!(f, " ({extack})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(option) = self.missing() {
            write!(
                f,
                "\n  cause: this kernel has no nf_tables NAT: {} is not set (needed by `nat` and \
                 `forward`)\n  fix: {}",
                option.name,
                option.fix()
            )?;
        } else if matches!(self.errno, Some(Errno::EPERM | Errno::EACCES)) {
            f.write_str(
                "\n  cause: no CAP_NET_ADMIN over this network namespace (is nf_tables \
                 restricted by a security module?)",
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_masquerade_names_the_option_and_the_fix() {
        let err = NftError::new("host", Step::Masquerade, "nat host:uplink").errno(Errno::ENOENT);
        assert_eq!(
            err.to_string(),
            "in `host`: add masquerade rule `nat host:uplink` failed with ENOENT\n  cause: this \
             kernel has no nf_tables NAT: CONFIG_NFT_MASQ is not set (needed by `nat` and \
             `forward`)\n  fix: load its module on the machine as root (`modprobe nft_masq`; a \
             user namespace cannot load modules), or use a kernel built with CONFIG_NFT_MASQ=y \
             or =m"
        );
    }

    #[test]
    fn only_absence_errnos_mean_a_missing_option() {
        let refused = NftError::new("r", Step::Chain, "").errno(Errno::EINVAL);
        assert_eq!(refused.missing(), None);
        let absent = NftError::new("r", Step::Socket, "").errno(Errno::EPROTONOSUPPORT);
        assert_eq!(
            absent.missing().map(|o| o.name),
            Some("CONFIG_NETFILTER_NETLINK")
        );
    }
}
