//! The rules for names: node, router and bridge names, interface names.

/// Linux interface names are at most 15 bytes (`IFNAMSIZ` minus the NUL).
pub(crate) const MAX_IFNAME: usize = 15;

/// Words that start a statement, so they cannot be names.
pub(crate) const KEYWORDS: [&str; 7] = [
    "node", "router", "bridge", "route", "sysctl", "nat", "forward",
];

/// The name of the test body's own namespace.
pub(crate) const HOST: &str = "host";

/// What is wrong with a node, router or bridge name: `None` when it is an
/// ASCII letter followed by ASCII letters, digits, `-` and `_`.
pub(crate) fn identifier_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return Some(format!(
            "a name starts with an ASCII letter, not `{}`",
            first.escape_debug()
        ));
    }
    chars
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(|c| format!("`{}` is not allowed in a name", c.escape_debug()))
}

/// What is wrong with an interface name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfnameProblem {
    /// Longer than 15 bytes; holds the length.
    TooLong(usize),
    /// `.` or `..`.
    Dots,
    /// `/`, `:`, `%`, whitespace or a control character.
    Forbidden(char),
    /// `all` or `default`, which `/proc/sys/net/*/conf/` already has.
    Reserved,
}

/// Names Linux refuses for an interface (`EINVAL`): `/proc/sys/net/ipv4/conf/`
/// and its IPv6 sibling hold settings under these names.
pub(crate) const RESERVED_IFNAMES: [&str; 2] = ["all", "default"];

/// Checks an interface name the way the kernel's `dev_valid_name` does (and
/// refuses control characters too), plus what makes the kernel refuse or
/// rename it: `all` and `default`, and `%` (`eth%d` becomes `eth0`). The
/// empty name is caught by the parser.
pub(crate) fn ifname_problem(name: &str) -> Option<IfnameProblem> {
    if name == "." || name == ".." {
        return Some(IfnameProblem::Dots);
    }
    if RESERVED_IFNAMES.contains(&name) {
        return Some(IfnameProblem::Reserved);
    }
    if let Some(c) = name
        .chars()
        .find(|&c| matches!(c, '/' | ':' | '%') || c.is_whitespace() || c.is_control())
    {
        return Some(IfnameProblem::Forbidden(c));
    }
    (name.len() > MAX_IFNAME).then_some(IfnameProblem::TooLong(name.len()))
}

/// `a`, `a and b`, `a, b and c`, each in backquotes.
pub(crate) fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod names_should {
    use super::*;

    #[test]
    fn accept_identifiers() {
        for name in ["a", "ns1", "client-A", "r_1"] {
            assert_eq!(identifier_problem(name), None, "{name}");
        }
    }

    #[test]
    fn reject_identifiers_with_a_bad_start_or_character() {
        assert_eq!(
            identifier_problem("1a").as_deref(),
            Some("a name starts with an ASCII letter, not `1`")
        );
        assert_eq!(
            identifier_problem("a.b").as_deref(),
            Some("`.` is not allowed in a name")
        );
        assert_eq!(
            identifier_problem("a\tb").as_deref(),
            Some("`\\t` is not allowed in a name")
        );
    }

    #[test]
    fn follow_the_kernel_for_interface_names() {
        assert_eq!(ifname_problem("eth0"), None);
        assert_eq!(ifname_problem("a-very-long-nam"), None);
        assert_eq!(
            ifname_problem("a-very-long-name"),
            Some(IfnameProblem::TooLong(16))
        );
        assert_eq!(ifname_problem(".."), Some(IfnameProblem::Dots));
        assert_eq!(ifname_problem("a/b"), Some(IfnameProblem::Forbidden('/')));
        assert_eq!(ifname_problem("eth%d"), Some(IfnameProblem::Forbidden('%')));
        assert_eq!(ifname_problem("all"), Some(IfnameProblem::Reserved));
        assert_eq!(ifname_problem("default"), Some(IfnameProblem::Reserved));
        assert_eq!(ifname_problem("all0"), None);
        assert_eq!(ifname_problem("eth0.100"), None);
        assert_eq!(
            ifname_problem("a\u{0}"),
            Some(IfnameProblem::Forbidden('\u{0}'))
        );
        assert_eq!(ifname_problem("ééééééé"), None);
        assert_eq!(ifname_problem("éééééééé"), Some(IfnameProblem::TooLong(16)));
    }

    #[test]
    fn join_lists_in_english() {
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(list(&items(&["a"])), "a");
        assert_eq!(list(&items(&["a", "b"])), "a and b");
        assert_eq!(list(&items(&["a", "b", "c"])), "a, b and c");
    }
}
