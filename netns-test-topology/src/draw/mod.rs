//! Pictures of a topology, made from its plan: SVG (laid out here, no
//! graphviz), mermaid (GitHub renders it) and DOT. Pure: text in, text out.
//!
//! Nodes, routers, the host and bridges are boxes labelled with their
//! names; each interface is a row of its box with its addresses, with
//! `nat` and `forward` noted under it; links are lines between those rows,
//! labelled with their options (`mtu=`, impairments).

mod diagram;
mod dot;
mod layout;
mod mermaid;
mod svg;

use diagram::Diagram;
use layout::Layout;

use crate::plan::Plan;

/// A self-contained SVG picture of `plan`.
pub(crate) fn svg(plan: &Plan) -> String {
    let d = Diagram::of(plan);
    svg::render(&d, &Layout::of(&d))
}

/// A mermaid flowchart of `plan`.
pub(crate) fn mermaid(plan: &Plan) -> String {
    mermaid::render(&Diagram::of(plan))
}

/// A Graphviz DOT graph of `plan`.
pub(crate) fn dot(plan: &Plan) -> String {
    dot::render(&Diagram::of(plan))
}
