//! The README shows what its commands print: the walk-through's output in
//! "Two commands" is checked against a real run of the example's test
//! binary (the one `cargo test --example walkthrough` runs), with only the
//! times left out; and the pictures in README.md and examples/README.md
//! are what `netns-test draw --format mermaid` draws for those topologies.

use std::path::Path;
use std::process::Command;

mod support;

/// The fenced block after the `<!-- walkthrough output -->` marker.
fn readme_walkthrough() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let after = readme
        .split("<!-- walkthrough output -->\n```\n")
        .nth(1)
        .expect("the README marks the walk-through's output");
    after.split("\n```").next().unwrap_or_default().to_string()
}

/// Durations as Rust's `Debug` prints them (`71.425µs`, `0.04s`) become `<time>`.
fn without_times(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_inclusive(|c: char| c.is_whitespace()) {
        let trimmed = word.trim_end();
        let core = trimmed.trim_end_matches(['s', 'µ', 'm', 'n']);
        let is_time = core != trimmed
            && !core.is_empty()
            && core.chars().all(|c| c.is_ascii_digit() || c == '.')
            && core.chars().next().is_some_and(|c| c.is_ascii_digit());
        if is_time {
            out.push_str("<time>");
            out.push_str(&word[trimmed.len()..]);
        } else {
            out.push_str(word);
        }
    }
    out.trim().to_string()
}

#[test]
fn the_walkthrough_output_in_the_readme_is_what_the_command_prints() {
    let Some(binary) = support::sibling_binary("walkthrough", true) else {
        // A copy of this binary run elsewhere (CI's unprivileged pass): the
        // check runs in the workspace's own runs.
        eprintln!("no walkthrough example binary next to this test; not checked here");
        return;
    };
    let out = Command::new(&binary)
        .args(["--nocapture", "--test-threads=1"])
        .output()
        .expect("run the walk-through");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = without_times(&String::from_utf8_lossy(&out.stdout));
    let shown = without_times(&readme_walkthrough());
    assert_eq!(
        shown,
        printed,
        "README.md's walk-through output differs from {}; paste the new output",
        binary.display()
    );
}

#[test]
fn times_are_left_out_and_nothing_else() {
    assert_eq!(
        without_times("a: 71.425µs\nfinished in 0.04s\n10.0.0.1/24 mtu 1500 2 tests"),
        "a: <time>\nfinished in <time>\n10.0.0.1/24 mtu 1500 2 tests"
    );
}

/// The body of the mermaid block right after `marker` in `markdown`.
fn mermaid_after(markdown: &str, marker: &str) -> String {
    let after = markdown
        .split(&format!("{marker}\n```mermaid\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no mermaid block after {marker}"));
    let end = after.find("```").unwrap_or(after.len());
    after[..end].to_string()
}

/// The `topology = "..."` texts of an example's source, in order.
fn topologies_in(source: &str) -> Vec<&str> {
    source
        .split("topology = \"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .collect()
}

fn mermaid_of(text: &str) -> String {
    text.parse::<netns_test::Topology>()
        .unwrap_or_else(|e| panic!("{e}"))
        .to_mermaid()
}

#[test]
fn the_readme_pictures_the_walkthrough_as_draw_does() {
    assert_eq!(
        mermaid_after(include_str!("../README.md"), "<!-- walkthrough picture -->"),
        mermaid_of(include_str!("../examples/walkthrough.net")),
        "README.md's picture of the walk-through is stale: paste \
         `netns-test draw examples/walkthrough.net --format mermaid`"
    );
}

#[test]
fn the_examples_readme_pictures_each_example_as_draw_does() {
    let readme = include_str!("../examples/README.md");
    let examples = [
        ("walkthrough", include_str!("../examples/walkthrough.rs")),
        ("tcp", include_str!("../examples/tcp.rs")),
        ("routed", include_str!("../examples/routed.rs")),
        ("ipv6", include_str!("../examples/ipv6.rs")),
        ("retry", include_str!("../examples/retry.rs")),
    ];
    for (name, source) in examples {
        let topologies = topologies_in(source);
        assert!(!topologies.is_empty(), "no topology in examples/{name}.rs");
        for (i, text) in topologies.into_iter().enumerate() {
            let marker = match i {
                0 => format!("<!-- picture: {name} -->"),
                i => format!("<!-- picture: {name}-{} -->", i + 1),
            };
            assert_eq!(
                mermaid_after(readme, &marker),
                mermaid_of(text),
                "examples/README.md's picture {marker} is stale"
            );
        }
    }
}

#[test]
fn the_walkthrough_file_is_the_walkthrough_example_s_network() {
    let example = topologies_in(include_str!("../examples/walkthrough.rs"))[0];
    assert_eq!(
        mermaid_of(include_str!("../examples/walkthrough.net")),
        mermaid_of(example)
    );
}
