//! `netns-test draw FILE [--format svg|mermaid|dot]`: a picture of the
//! network, made from the parsed topology; nothing is built.

use std::io::Write;

use crate::args::Format;
use crate::check;

/// Prints the picture on stdout; 1 if the topology has errors.
pub(crate) fn draw(file: &str, format: Format) -> i32 {
    let Ok(topology) = check::load(file) else {
        return 1;
    };
    let picture = match format {
        Format::Svg => topology.to_svg(),
        Format::Mermaid => topology.to_mermaid(),
        Format::Dot => topology.to_dot(),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(picture.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        Err(e) => {
            say!("netns-test: cannot write the picture: {e}");
            1
        }
    }
}
