//! `sysctl OWNER KEY=VALUE`: only `net.*`, and a key that is a safe path
//! and names no interface whose name holds a dot.

use super::Validator;
use crate::ast::{Name, Sysctl};
use crate::error::Error;
use crate::model;
use crate::plan::NsId;

impl<'a> Validator<'a> {
    pub(super) fn sysctl(&mut self, sysctl: &Sysctl<'a>) {
        let ns = self.namespace_owner(&sysctl.owner, "sysctl");
        let mut key_ok = self.check_sysctl_key(&sysctl.key);
        if let (Some(ns), true) = (ns, key_ok) {
            key_ok = self.check_dotted_interface(ns, &sysctl.key);
        }
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

    /// A key may not name an interface whose name holds a dot: the runtime
    /// writes the key's dots as `/`, so `net.ipv4.conf.eth0.100.rp_filter`
    /// would be `/proc/sys/net/ipv4/conf/eth0/100/rp_filter`, which is not
    /// there.
    fn check_dotted_interface(&mut self, ns: NsId, key: &Name<'_>) -> bool {
        let parts: Vec<&str> = key.text.split('.').collect();
        let named = self.dotted.iter().find(|(owner, name)| {
            let name: Vec<&str> = name.split('.').collect();
            *owner == ns && parts.windows(name.len()).any(|w| w == name.as_slice())
        });
        let Some(&(_, ifname)) = named else {
            return true;
        };
        self.error(
            Error::new(
                key.span,
                format!(
                    "sysctl `{}` names the interface `{ifname}`, whose name holds a dot",
                    key.text
                ),
                format!("a key's dots become `/` in /proc/sys, so this key cannot name `{ifname}`"),
            )
            .help(format!(
                "give the interface a name without a dot (e.g. `{}`) to set its sysctls",
                ifname.replace('.', "_")
            )),
        );
        false
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
