//! The picture as a self-contained SVG: no script, no external font or
//! style, nothing fetched.
//!
//! Every text is one `<text>` with `x`, `y` (its baseline) and a
//! `textLength` that fixes its width to the layout's count of monospace
//! characters, whatever font the viewer picks; at `font-size` 13 its box
//! is `x .. x + textLength` by `y - 13 .. y + 4`. A block is a `<g>` with
//! `data-name` and `data-kind`; its title has `class="title"` and each
//! interface row `class="interface"` with `data-ifname`. A wire is a
//! `<polyline class="wire">`, its label a `<g class="label">`.

use std::fmt::Write;

use super::diagram::{Diagram, Kind};
use super::layout::{text_width, Layout, LABEL_PAD, LINE, PAD};

/// The font size of every text, in pixels.
pub(crate) const FONT_SIZE: f64 = 13.0;
/// From a row's top to its text's baseline.
const BASELINE: f64 = 14.0;

pub(crate) fn render(d: &Diagram, l: &Layout) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"monospace\" font-size=\"{FONT_SIZE}\">",
        w = num(l.width),
        h = num(l.height)
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    for (wire, shape) in d.wires.iter().zip(&l.wires) {
        let points: Vec<String> = shape
            .points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            out,
            "<polyline class=\"{}\" points=\"{}\" fill=\"none\" stroke=\"#555555\" \
             stroke-width=\"1.5\"{}/>",
            if wire.anchor { "anchor" } else { "wire" },
            points.join(" "),
            if wire.anchor {
                " stroke-dasharray=\"2 3\""
            } else {
                ""
            }
        );
    }
    for (block, rect) in d.blocks.iter().zip(&l.blocks) {
        let (kind, fill, stroke) = match block.kind {
            Kind::Host => ("host", "#eef3fb", "#3b5b92"),
            Kind::Node => ("node", "#f4f8ee", "#4d7a2a"),
            Kind::Router => ("router", "#fdf3e7", "#a0601a"),
            Kind::Bridge => ("bridge", "#f1eef8", "#5c4a8f"),
        };
        let _ = writeln!(
            out,
            "<g class=\"block\" data-name=\"{}\" data-kind=\"{kind}\">",
            escape(&block.name)
        );
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{fill}\" \
             stroke=\"{stroke}\" stroke-width=\"1.5\"{}/>",
            num(rect.x),
            num(rect.y),
            num(rect.w),
            num(rect.h),
            if block.kind == Kind::Bridge {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            }
        );
        let x = rect.x + PAD;
        let title = block.title();
        text(
            &mut out,
            x,
            rect.y + PAD,
            &title,
            " class=\"title\" font-weight=\"bold\"",
        );
        for (i, row) in block.rows.iter().enumerate() {
            let attrs = match &row.ifname {
                Some(ifname) => format!(" class=\"interface\" data-ifname=\"{}\"", escape(ifname)),
                None => " class=\"note\"".to_string(),
            };
            text(
                &mut out,
                x,
                rect.y + PAD + (i + 1) as f64 * LINE,
                &row.text,
                &attrs,
            );
        }
        out.push_str("</g>\n");
    }
    for (wire, shape) in d.wires.iter().zip(&l.wires) {
        let (Some(label), Some(rect)) = (&wire.label, shape.label) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<g class=\"label\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" \
             fill=\"#ffffff\" stroke=\"#999999\"/>",
            num(rect.x),
            num(rect.y),
            num(rect.w),
            num(rect.h)
        );
        text(
            &mut out,
            rect.x + LABEL_PAD,
            rect.y + LABEL_PAD,
            label,
            " class=\"options\"",
        );
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// A row of text whose top is at `top`.
fn text(out: &mut String, x: f64, top: f64, content: &str, attrs: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\" \
         xml:space=\"preserve\"{attrs}>{}</text>",
        num(x),
        num(top + BASELINE),
        num(text_width(content)),
        escape(content)
    );
}

/// A coordinate: whole pixels where it is one, else one decimal.
fn num(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// Text and attribute values for XML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
