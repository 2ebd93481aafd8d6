//! The picture as a mermaid flowchart, which GitHub renders in markdown.

use std::fmt::Write;

use super::diagram::{Diagram, Kind};

pub(crate) fn render(d: &Diagram) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, block) in d.blocks.iter().enumerate() {
        let mut lines = vec![format!("<b>{}</b>", text(&block.title()))];
        lines.extend(
            block
                .rows
                .iter()
                .map(|r| text(r.text.trim_start()))
                .collect::<Vec<_>>(),
        );
        let label = lines.join("<br/>");
        let _ = match block.kind {
            Kind::Bridge => writeln!(out, "    b{i}{{{{\"{label}\"}}}}"),
            Kind::Router => writeln!(out, "    b{i}([\"{label}\"])"),
            Kind::Host | Kind::Node => writeln!(out, "    b{i}[\"{label}\"]"),
        };
    }
    for w in &d.wires {
        if w.anchor {
            let _ = writeln!(out, "    b{} -.- b{}", w.a.block, w.b.block);
            continue;
        }
        let (a, b) = w.ifnames(d);
        let mut label = format!("{} — {}", text(a), text(b));
        if let Some(options) = &w.label {
            label.push_str("<br/>");
            label.push_str(&text(options));
        }
        let _ = writeln!(out, "    b{} ---|\"{label}\"| b{}", w.a.block, w.b.block);
    }
    out
}

/// Text for a quoted mermaid label: quotes and angle brackets as entities.
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
