//! `netns-test check FILE`, and reading a topology file for the others.

use netns_test::Topology;

/// Prints `file`'s errors as the compiler shows them; 1 if there are any.
pub(crate) fn check(file: &str) -> i32 {
    match load(file) {
        Ok(_) => {
            println!("{file}: ok");
            0
        }
        Err(()) => 1,
    }
}

/// Reads and parses `file`; on failure the reason (every mistake, with
/// `file:LINE:COLUMN` and a caret excerpt) is printed on stderr.
pub(crate) fn load(file: &str) -> Result<Topology, ()> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        eprintln!("netns-test: cannot read topology file `{file}`: {e}");
    })?;
    text.parse::<Topology>().map_err(|error| {
        eprintln!("{}", error.render_with_origin(file));
    })
}
