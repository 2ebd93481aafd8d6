//! The `#[netns_test]` attribute of netns-test. Use it as
//! `netns_test::netns_test`; this crate is an implementation detail and its
//! expansion calls `netns_test::__private`, which is not public API.
//!
//! The attribute works in phases, one module each: `args` parses
//! the arguments, `signature` checks the function's shape, `should_panic`
//! reads its `#[should_panic]` for the runtime, `topology` loads and
//! validates the topology with the runtime's own parser, and `expand`
//! renders the test. Every mistake is a `compile_error!` on the narrowest
//! token, and all of them are reported in one build.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod errors;
mod expand;
mod should_panic;
mod signature;
mod timeout;
mod topology;

use proc_macro::TokenStream;

/// Runs the function as a test in a fresh network namespace, with the
/// network its topology describes.
///
/// ```ignore
/// use netns_test::{netns_test, Net};
///
/// #[netns_test(topology = "
///     node a, b
///     a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
/// ", timeout = "10s")]
/// fn a_reaches_b(net: &Net) {
///     net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
/// }
/// ```
///
/// (The example is not compiled here: this crate cannot depend on
/// netns-test, which re-exports it.)
///
/// # Arguments
///
/// - `topology = "<text>"`: the network, in the topology language.
/// - `topology_file = "<path>"`: the same, read from a file relative to the
///   crate's root (`CARGO_MANIFEST_DIR`); changing the file rebuilds the test.
///   Excludes `topology`.
/// - `timeout = "<n>ms"`, `"<n>s"` or `"<n>m"`: kill the test after this long.
///
/// Without a topology the test gets one fresh namespace with `lo` up. The
/// topology is parsed and validated at compile time: each mistake is a
/// compile error naming its line and column inside the topology text.
///
/// # The function
///
/// It takes no argument or one `&Net` (any pattern; `Net`,
/// `netns_test::Net` or `::netns_test::Net`), and returns `()` or a
/// `Result<(), E>` with `E: Debug`. The macro recognizes a result by its
/// name: `Result`, `io::Result<()>`, `anyhow::Result<()>` and aliases whose
/// name ends in `Result` (`TestResult`) are accepted, an alias named
/// otherwise is not. It cannot be generic, `const`, `unsafe` or `extern`. An
/// `async fn` runs on a current-thread tokio runtime and needs the `tokio`
/// feature of netns-test.
///
/// Other attributes (`#[should_panic]`, `#[ignore]`, doc comments, `#[cfg]`,
/// lint levels) are kept on the generated test, above or below
/// `#[netns_test]`. `#[test]` is not needed: below `#[netns_test]` it is a
/// compile error; above, the compiler expands it first, out of the macro's
/// sight, and the test fails at its second start, telling you to remove it.
#[proc_macro_attribute]
pub fn netns_test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::netns_test(args.into(), item.into()).into()
}
