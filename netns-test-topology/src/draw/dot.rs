//! The picture as Graphviz DOT, for those who have graphviz.

use std::fmt::Write;

use super::diagram::{Diagram, Kind};

pub(crate) fn render(d: &Diagram) -> String {
    let mut out = String::from(
        "graph topology {\n    rankdir=LR;\n    node [shape=box, fontname=\"monospace\"];\n    \
         edge [fontname=\"monospace\", fontsize=10];\n",
    );
    for (i, block) in d.blocks.iter().enumerate() {
        let mut label = quote(&block.title());
        label.push_str("\\l");
        for row in &block.rows {
            label.push_str(&quote(&row.text));
            label.push_str("\\l");
        }
        let style = match block.kind {
            Kind::Bridge => ", style=dashed",
            Kind::Router => ", style=rounded",
            Kind::Host => ", style=bold",
            Kind::Node => "",
        };
        let _ = writeln!(out, "    b{i} [label=\"{label}\"{style}];");
    }
    for w in &d.wires {
        if w.anchor {
            let _ = writeln!(out, "    b{} -- b{} [style=dotted];", w.a.block, w.b.block);
            continue;
        }
        let (a, b) = w.ifnames(d);
        let mut attrs = format!("taillabel=\"{}\", headlabel=\"{}\"", quote(a), quote(b));
        if let Some(options) = &w.label {
            let _ = write!(attrs, ", label=\"{}\"", quote(options));
        }
        let _ = writeln!(out, "    b{} -- b{} [{attrs}];", w.a.block, w.b.block);
    }
    out.push_str("}\n");
    out
}

/// Text inside a DOT double-quoted string.
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
