//! `sysctl OWNER KEY=VALUE`: only `net.*`, and a key that is a safe path.

use super::Validator;
use crate::ast::{Name, Sysctl};
use crate::error::Error;
use crate::model;

impl<'a> Validator<'a> {
    pub(super) fn sysctl(&mut self, sysctl: &Sysctl<'a>) {
        let ns = self.namespace_owner(&sysctl.owner, "sysctl");
        let key_ok = self.check_sysctl_key(&sysctl.key);
        let value_ok = self.check_sysctl_value(sysctl);
        if let (Some(ns), true, true) = (ns, key_ok, value_ok) {
            self.model.sysctls.push(model::Sysctl {
                ns,
                key: sysctl.key.text.to_owned(),
                value: sysctl.value.text.to_owned(),
            });
        }
    }

    /// `net.` then dot-separated parts, none empty, without `/`, `:`,
    /// whitespace or control characters.
    fn check_sysctl_key(&mut self, key: &Name<'_>) -> bool {
        let example = "write the key with dots, e.g. `net.ipv4.conf.all.forwarding`";
        let Some(rest) = key.text.strip_prefix("net.") else {
            let help = if key.text.starts_with("net/") {
                example.to_owned()
            } else {
                "only `net.*` sysctls belong to a network namespace; set others outside the test"
                    .to_owned()
            };
            self.error(
                Error::new(
                    key.span,
                    format!("sysctl `{}` is not under `net.`", key.text),
                    "expected a key starting with `net.`",
                )
                .help(help),
            );
            return false;
        };
        if let Some(c) = key
            .text
            .chars()
            .find(|&c| matches!(c, '/' | ':') || c.is_whitespace() || c.is_control())
        {
            self.error(
                Error::new(
                    key.span,
                    format!("invalid sysctl key `{}`", key.text),
                    format!("`{}` is not allowed in a sysctl key", c.escape_debug()),
                )
                .help(example),
            );
            return false;
        }
        if rest.split('.').any(str::is_empty) {
            self.error(
                Error::new(
                    key.span,
                    format!("sysctl key `{}` has an empty part", key.text),
                    "expected a name between every two dots",
                )
                .help(example),
            );
            return false;
        }
        true
    }

    fn check_sysctl_value(&mut self, sysctl: &Sysctl<'a>) -> bool {
        let key = sysctl.key.text;
        if sysctl.value.text.is_empty() {
            self.error(
                Error::new(
                    sysctl.span,
                    format!("sysctl `{key}` has no value"),
                    "expected a value after `=`",
                )
                .help(format!("write e.g. `{key}=1`")),
            );
            return false;
        }
        if let Some(c) = sysctl.value.text.chars().find(|c| c.is_control()) {
            self.error(
                Error::new(
                    sysctl.value.span,
                    format!("invalid value for sysctl `{key}`"),
                    format!("`{}` is not allowed in a sysctl value", c.escape_debug()),
                )
                .help("a sysctl value is one word of printable characters"),
            );
            return false;
        }
        true
    }
}
