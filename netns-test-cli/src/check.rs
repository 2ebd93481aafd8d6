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
    /// Far more than any topology; a device or a huge file is a mistake.
    const LARGEST: u64 = 16 << 20;
    let text = std::fs::File::open(file)
        .and_then(|f| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::Read::take(f, LARGEST + 1), &mut text)?;
            if text.len() as u64 > LARGEST {
                return Err(std::io::Error::other("larger than 16 MiB: not a topology"));
            }
            Ok(text)
        })
        .map_err(|e| {
            say!("netns-test: cannot read topology file `{file}`: {e}");
        })?;
    text.parse::<Topology>().map_err(|error| {
        say!("{}", error.render_with_origin(file));
    })
}
