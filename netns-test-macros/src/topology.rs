//! Loading the topology text (inline or from `topology_file`) and validating
//! it with the same parser the runtime uses.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use netns_test_topology::{Topology, TopologyError};
use proc_macro2::Span;
use syn::LitStr;

use crate::args::TopologySource;
use crate::errors::Errors;

/// What excerpts of an inline topology say the text is: `topology:3:7`.
const INLINE_ORIGIN: &str = "topology";

/// A topology that parsed and validated.
pub(crate) enum Checked {
    /// No topology given.
    None,
    /// `topology = "..."`.
    Inline(LitStr),
    /// `topology_file = "..."`: the expansion includes the file again with
    /// `include_str!`, so cargo rebuilds the test when the file changes.
    File(LitStr),
}

/// Validates the topology, reading `topology_file` from `CARGO_MANIFEST_DIR`.
pub(crate) fn check(source: TopologySource) -> syn::Result<Checked> {
    match source {
        TopologySource::None => Ok(Checked::None),
        TopologySource::Inline(text) => {
            validate(&text.value(), text.span(), None)?;
            Ok(Checked::Inline(text))
        }
        TopologySource::File(path) => {
            let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
                syn::Error::new(
                    path.span(),
                    "`topology_file` is read relative to CARGO_MANIFEST_DIR, which is not \
                     set: build with cargo",
                )
            })?;
            let text = read(Path::new(&manifest_dir), &path)?;
            validate(&text, path.span(), Some(&path.value()))?;
            Ok(Checked::File(path))
        }
    }
}

/// Reads `path` (relative to `manifest_dir`); an I/O error names the full
/// path and the OS error.
fn read(manifest_dir: &Path, path: &LitStr) -> syn::Result<String> {
    let full = manifest_dir.join(path.value());
    std::fs::read_to_string(&full).map_err(|error| {
        syn::Error::new(
            path.span(),
            format!(
                "cannot read topology file `{}`: {error}; `topology_file` is relative to \
                 the crate's root directory (CARGO_MANIFEST_DIR)",
                resolved(&full).display()
            ),
        )
    })
}

/// `path` with its deepest existing ancestor canonicalized, so the message
/// shows the real directory even when the file itself is missing.
fn resolved(path: &Path) -> PathBuf {
    for ancestor in path.ancestors() {
        if let Ok(real) = ancestor.canonicalize() {
            let rest = path.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return if rest.as_os_str().is_empty() {
                real
            } else {
                real.join(rest)
            };
        }
    }
    path.to_path_buf()
}

/// Parses and validates `text`; every mistake becomes its own error on
/// `span`, its message carrying the line:column inside the topology and, for
/// a file, the file's path.
fn validate(text: &str, span: Span, origin: Option<&str>) -> syn::Result<()> {
    match Topology::from_str(text) {
        Ok(_) => Ok(()),
        Err(error) => Err(to_syn(&error, span, origin)),
    }
}

/// One error per diagnostic, each rendered with its excerpt; `origin` is what
/// the excerpt says the text comes from (`topology`, or the file's path).
fn to_syn(error: &TopologyError, span: Span, origin: Option<&str>) -> syn::Error {
    let origin = origin.unwrap_or(INLINE_ORIGIN);
    let mut errors = Errors::default();
    for diagnostic in error.diagnostics() {
        let rendered = diagnostic.render_with_origin(origin);
        let message = rendered.strip_prefix("error: ").unwrap_or(&rendered);
        errors.push(syn::Error::new(span, message));
    }
    errors
        .finish(())
        .err()
        .unwrap_or_else(|| syn::Error::new(span, error.render_with_origin(origin)))
}

#[cfg(test)]
mod topology_should {
    use super::*;
    use quote::quote;

    fn lit(tokens: proc_macro2::TokenStream) -> LitStr {
        syn::parse2(tokens).unwrap()
    }

    /// A scratch directory of its own for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("netns-test-macros-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn accept_no_topology() {
        assert!(matches!(check(TopologySource::None), Ok(Checked::None)));
    }

    #[test]
    fn accept_a_valid_inline_topology() {
        let text = lit(quote!(
            "node a, b\na:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24"
        ));
        assert!(matches!(
            check(TopologySource::Inline(text)),
            Ok(Checked::Inline(_))
        ));
    }

    fn messages(text: &str, origin: Option<&str>) -> Vec<String> {
        match validate(text, Span::call_site(), origin) {
            Ok(()) => panic!("`{text}` was accepted"),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn report_each_mistake_as_its_own_error() {
        let all = messages("node a\nnode a\nfoo", None);
        assert_eq!(all.len(), 2, "{all:#?}");
        assert!(all[0].contains("topology:2:"), "{}", all[0]);
        assert!(all[1].contains("topology:3:1"), "{}", all[1]);
    }

    #[test]
    fn start_each_message_with_the_mistake_not_a_second_error_prefix() {
        for message in messages("node a\nnode a\nfoo", None) {
            assert!(!message.starts_with("error:"), "{message}");
        }
    }

    #[test]
    fn name_the_file_in_the_location_of_a_file_topology() {
        let all = messages("node a\nnode a", Some("tests/topologies/lan.net"));
        assert!(
            all[0].contains("--> tests/topologies/lan.net:2:"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn read_a_file_relative_to_the_manifest_dir() {
        let dir = scratch("read");
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::write(dir.join("tests/lan.net"), "node a\n").unwrap();
        let text = read(&dir, &lit(quote!("tests/lan.net"))).unwrap();
        assert_eq!(text, "node a\n");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn name_the_full_path_and_the_os_error_when_the_file_is_missing() {
        let dir = scratch("missing");
        let message = read(&dir, &lit(quote!("tests/missing.net")))
            .unwrap_err()
            .to_string();
        let full = dir.canonicalize().unwrap().join("tests/missing.net");
        assert_eq!(
            message,
            format!(
                "cannot read topology file `{}`: No such file or directory (os error 2); \
                 `topology_file` is relative to the crate's root directory (CARGO_MANIFEST_DIR)",
                full.display()
            )
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn resolve_symlinks_in_the_existing_part_of_a_path() {
        let dir = scratch("symlink");
        let real = dir.join("real");
        std::fs::create_dir_all(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.join("link")).unwrap();
        let shown = resolved(&dir.join("link/missing.net"));
        assert_eq!(shown, real.canonicalize().unwrap().join("missing.net"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
