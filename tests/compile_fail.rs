//! What `#[netns_test]` refuses at compile time, and what it accepts.
//!
//! `tests/ui/fail/*.rs` must fail to compile with exactly the messages pinned
//! in their `.stderr` files; `tests/ui/pass/*.rs` must compile. After a
//! deliberate change to a message, regenerate with
//! `TRYBUILD=overwrite cargo test -p netns-test-suite --test compile_fail`
//! and read every changed `.stderr`.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn attribute_errors_are_pinned_and_accepted_forms_compile() {
    link_topologies_for_trybuild();
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}

/// Trybuild compiles the cases as a crate of its own in
/// `<target>/tests/trybuild/netns-test-suite/`, which is then their
/// `CARGO_MANIFEST_DIR`. Linking the folders that hold topology files there
/// makes `topology_file = "tests/..."` resolve as it does in this crate.
/// (Only folders: a `tests/*.rs` there would become a target of that crate.)
fn link_topologies_for_trybuild() {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let theirs = target_directory().join("tests/trybuild/netns-test-suite/tests");
    if theirs.is_symlink() {
        std::fs::remove_file(&theirs).expect("remove an old link");
    }
    std::fs::create_dir_all(&theirs).expect("create the trybuild project's tests folder");
    for folder in ["topologies", "ui"] {
        let (target, link) = (ours.join(folder), theirs.join(folder));
        if std::fs::read_link(&link).ok().as_deref() == Some(target.as_path()) {
            continue;
        }
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link)
            .unwrap_or_else(|e| panic!("link {} to {}: {e}", link.display(), target.display()));
    }
}

/// The target directory as trybuild finds it: from `cargo metadata`.
fn target_directory() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version=1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "cargo metadata failed: {output:?}");
    let json = String::from_utf8(output.stdout).expect("cargo metadata prints UTF-8");
    let key = "\"target_directory\":\"";
    let start = json
        .find(key)
        .expect("cargo metadata names the target directory")
        + key.len();
    let end = start + json[start..].find('"').expect("a closing quote");
    let path = &json[start..end];
    assert!(
        !path.contains('\\'),
        "unexpected escape in target directory {path}"
    );
    PathBuf::from(path)
}

/// Trybuild builds the pass cases as binaries, where libtest drops every
/// `#[test]` function before type checking. Compiled here, under `--test`,
/// their expansions are type-checked too. Each case is `#[ignore]`d: running
/// tests is the end-to-end suite's job.
#[allow(dead_code)] // each case's `fn main`
#[path = "ui/pass"]
mod pass_cases_type_check {
    mod attributes_above;
    mod attributes_pass_through;
    mod macro_path;
    mod net_spellings;
    mod no_argument;
    mod result_returns;
    mod topology_and_timeout;
    mod topology_file;
    mod topology_impaired_links;
    mod topology_nat_forward;
}
