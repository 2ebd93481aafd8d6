//! Where everything of a [`Diagram`] goes, so that no two texts overlap.
//!
//! Blocks stand in columns: each connected part of the network is laid out
//! in layers by breadth-first distance from its best-connected block
//! (every wire then joins neighbouring columns, or two blocks of one), the
//! blocks of a layer ordered by their neighbours' positions to keep wires
//! from crossing, and the parts stacked one below the other. A wire's
//! label (its link options) sits in the gap between the two columns it
//! joins (to the right of the column, for a wire within one), and the
//! labels of a gap are stacked so they do not touch. Texts inside a block
//! are rows of their own; blocks of a column are apart; labels live only
//! in gaps, which are as wide as their widest label: no two texts overlap,
//! by construction. Text widths are counted in characters of a monospace
//! font, which the SVG enforces with `textLength`.

use super::diagram::{Diagram, Port};

/// The width of a character of the monospace font, in pixels.
pub(crate) const CHAR_WIDTH: f64 = 8.0;
/// The height of a row of text.
pub(crate) const LINE: f64 = 18.0;
/// Space between a block's border and its text.
pub(crate) const PAD: f64 = 8.0;
/// Space around the picture.
const MARGIN: f64 = 20.0;
/// Space between two blocks of a column, and between two parts.
const V_GAP: f64 = 24.0;
/// The narrowest gap between two columns.
const MIN_GAP: f64 = 64.0;
/// Space between a label's border and its text.
pub(crate) const LABEL_PAD: f64 = 4.0;
/// Space between a label and the columns beside it.
const GAP_MARGIN: f64 = 16.0;
/// Space between two labels of a gap.
const LABEL_GAP: f64 = 6.0;
/// Space between the lanes of wires that run down a gap.
const LANE: f64 = 8.0;

/// A rectangle: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

impl Rect {
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
    fn right(&self) -> f64 {
        self.x + self.w
    }
}

/// A wire's path and its label's box.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WireShape {
    pub(crate) points: Vec<(f64, f64)>,
    pub(crate) label: Option<Rect>,
}

/// The geometry of a diagram.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) width: f64,
    pub(crate) height: f64,
    /// One per block, in the diagram's order.
    pub(crate) blocks: Vec<Rect>,
    /// One per wire, in the diagram's order.
    pub(crate) wires: Vec<WireShape>,
}

/// The width of `text` in the monospace font.
pub(crate) fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// The box of a wire label's text.
fn label_size(text: &str) -> (f64, f64) {
    (text_width(text) + 2.0 * LABEL_PAD, LINE + 2.0 * LABEL_PAD)
}

impl Layout {
    pub(crate) fn of(d: &Diagram) -> Layout {
        let n = d.blocks.len();
        let mut neighbours = vec![Vec::new(); n];
        for w in &d.wires {
            if w.a.block != w.b.block {
                neighbours[w.a.block].push(w.b.block);
                neighbours[w.b.block].push(w.a.block);
            }
        }
        let parts = parts(&neighbours);
        // layer[b]: the block's column.
        let mut layer = vec![0usize; n];
        let mut ordered_parts = Vec::new();
        for part in &parts {
            let layers = layered(part, &neighbours, &mut layer);
            ordered_parts.push(ordered(layers, &neighbours));
        }
        let columns = layer.iter().copied().max().unwrap_or(0) + 1;
        let sizes: Vec<(f64, f64)> = d
            .blocks
            .iter()
            .map(|b| {
                let widest = std::iter::once(b.title())
                    .chain(b.rows.iter().map(|r| r.text.clone()))
                    .map(|t| text_width(&t))
                    .fold(0.0, f64::max);
                (
                    widest + 2.0 * PAD,
                    (1 + b.rows.len()) as f64 * LINE + 2.0 * PAD,
                )
            })
            .collect();
        let mut column_width = vec![0.0f64; columns];
        for (b, &(w, _)) in sizes.iter().enumerate() {
            column_width[layer[b]] = column_width[layer[b]].max(w);
        }
        // A wire's gap: between its columns, or right of its one column.
        let gap_of = |w: &super::diagram::Wire| layer[w.a.block].min(layer[w.b.block]);
        let mut gap_width = vec![MIN_GAP; columns];
        for w in &d.wires {
            if let Some(label) = &w.label {
                let g = gap_of(w);
                gap_width[g] = gap_width[g].max(label_size(label).0 + 2.0 * GAP_MARGIN);
            }
        }
        let mut column_x = vec![MARGIN; columns];
        for c in 1..columns {
            column_x[c] = column_x[c - 1] + column_width[c - 1] + gap_width[c - 1];
        }
        let width = column_x[columns - 1] + column_width[columns - 1] + gap_width[columns - 1];

        let mut blocks = vec![
            Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0
            };
            n
        ];
        let mut wires = vec![
            WireShape {
                points: Vec::new(),
                label: None
            };
            d.wires.len()
        ];
        let mut top = MARGIN;
        for (part, layers) in parts.iter().zip(&ordered_parts) {
            let heights: Vec<f64> = layers
                .iter()
                .map(|l| {
                    l.iter().map(|&b| sizes[b].1).sum::<f64>() + V_GAP * (l.len() as f64 - 1.0)
                })
                .collect();
            let tallest = heights.iter().copied().fold(0.0, f64::max);
            for (l, members) in layers.iter().enumerate() {
                let mut y = top + (tallest - heights[l]) / 2.0;
                for &b in members {
                    blocks[b] = Rect {
                        x: column_x[l],
                        y,
                        w: sizes[b].0,
                        h: sizes[b].1,
                    };
                    y += sizes[b].1 + V_GAP;
                }
            }
            let mut bottom = top + tallest;
            // The part's wires, gap by gap, labels stacked in order of
            // where they would like to be.
            let in_part: Vec<usize> = (0..d.wires.len())
                .filter(|&i| part.contains(&d.wires[i].a.block))
                .collect();
            for g in 0..columns {
                let mut labelled: Vec<(f64, usize)> = in_part
                    .iter()
                    .copied()
                    .filter(|&i| gap_of(&d.wires[i]) == g && d.wires[i].label.is_some())
                    .map(|i| {
                        let w = &d.wires[i];
                        let ya = port_y(&blocks, w.a);
                        let yb = port_y(&blocks, w.b);
                        ((ya + yb) / 2.0, i)
                    })
                    .collect();
                labelled.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let gap_left = column_x[g] + column_width[g];
                let mut floor = top;
                for (wanted, i) in labelled {
                    let text = d.wires[i].label.as_deref().unwrap_or_default();
                    let (w, h) = label_size(text);
                    let y = (wanted - h / 2.0).max(floor);
                    let rect = Rect {
                        x: gap_left + (gap_width[g] - w) / 2.0,
                        y,
                        w,
                        h,
                    };
                    floor = rect.bottom() + LABEL_GAP;
                    bottom = bottom.max(rect.bottom());
                    wires[i].label = Some(rect);
                }
            }
            // Wires within one column run down their gap, each in a lane
            // of its own unless its label is in the middle.
            let mut lanes = vec![0usize; columns];
            for &i in &in_part {
                let w = &d.wires[i];
                let g = gap_of(w);
                let mut gap_mid = column_x[g] + column_width[g] + gap_width[g] / 2.0;
                if layer[w.a.block] == layer[w.b.block] && w.label.is_none() {
                    let room = ((gap_width[g] - 2.0 * LANE) / LANE).max(1.0) as usize;
                    gap_mid = column_x[g] + column_width[g] + LANE * (1 + lanes[g] % room) as f64;
                    lanes[g] += 1;
                }
                wires[i].points = path(
                    &blocks,
                    (w.a, layer[w.a.block]),
                    (w.b, layer[w.b.block]),
                    wires[i].label,
                    gap_mid,
                    |c| column_x[c] + column_width[c],
                );
            }
            top = bottom + 2.0 * V_GAP;
        }
        let height = top - 2.0 * V_GAP + MARGIN;
        Layout {
            width,
            height,
            blocks,
            wires,
        }
    }
}

/// The middle of the row a port is on (the title's for an anchor).
fn port_y(blocks: &[Rect], p: Port) -> f64 {
    let row = p.row.map_or(0.0, |r| r as f64 + 1.0);
    blocks[p.block].y + PAD + (row + 0.5) * LINE
}

/// A wire's points from `a` to `b` (each with its column), through its
/// label; `column_right(c)` is the right edge of column `c`'s widest block.
fn path(
    blocks: &[Rect],
    (a, la): (Port, usize),
    (b, lb): (Port, usize),
    label: Option<Rect>,
    gap_mid: f64,
    column_right: impl Fn(usize) -> f64,
) -> Vec<(f64, f64)> {
    let (ya, yb) = (port_y(blocks, a), port_y(blocks, b));
    if la == lb {
        // Out of the right sides, along the gap, and back.
        let (xa, xb) = (blocks[a.block].right(), blocks[b.block].right());
        let edge = column_right(la);
        let mut points = vec![(xa, ya), (edge, ya), (gap_mid, ya)];
        if let Some(l) = label {
            points.push((gap_mid, l.y));
            points.push((gap_mid, l.bottom()));
        }
        points.extend([(gap_mid, yb), (edge, yb), (xb, yb)]);
        return points;
    }
    // From the left column's right side to the right column's left side.
    let (left, right) = if la < lb {
        ((a, ya), (b, yb))
    } else {
        ((b, yb), (a, ya))
    };
    let start = (blocks[left.0.block].right(), left.1);
    let stub = (column_right(la.min(lb)), left.1);
    let end = (blocks[right.0.block].x, right.1);
    let mut points = vec![start, stub];
    if let Some(l) = label {
        let mid = l.y + l.h / 2.0;
        points.push((l.x, mid));
        points.push((l.right(), mid));
    }
    points.push(end);
    if la > lb {
        points.reverse();
    }
    points
}

/// The connected parts of the graph, each in block order, in the order of
/// their first block.
fn parts(neighbours: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut seen = vec![false; neighbours.len()];
    let mut out = Vec::new();
    for start in 0..neighbours.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut part = vec![start];
        let mut i = 0;
        while i < part.len() {
            for &n in &neighbours[part[i]] {
                if !seen[n] {
                    seen[n] = true;
                    part.push(n);
                }
            }
            i += 1;
        }
        part.sort_unstable();
        out.push(part);
    }
    out
}

/// Layers of `part` by breadth-first distance from its block with the
/// most wires (the first such); sets `layer` for each block.
fn layered(part: &[usize], neighbours: &[Vec<usize>], layer: &mut [usize]) -> Vec<Vec<usize>> {
    let root = part
        .iter()
        .copied()
        .max_by_key(|&b| (neighbours[b].len(), std::cmp::Reverse(b)))
        .unwrap_or(part[0]);
    let mut depth = vec![usize::MAX; neighbours.len()];
    depth[root] = 0;
    let mut queue = std::collections::VecDeque::from([root]);
    while let Some(b) = queue.pop_front() {
        let mut next: Vec<usize> = neighbours[b].clone();
        next.sort_unstable();
        for n in next {
            if depth[n] == usize::MAX {
                depth[n] = depth[b] + 1;
                queue.push_back(n);
            }
        }
    }
    let deepest = part.iter().map(|&b| depth[b]).max().unwrap_or(0);
    let mut layers = vec![Vec::new(); deepest + 1];
    for &b in part {
        layers[depth[b]].push(b);
        layer[b] = depth[b];
    }
    layers
}

/// Orders each layer by the mean position of its blocks' neighbours in the
/// layer before (then after), a few sweeps: fewer crossing wires.
fn ordered(mut layers: Vec<Vec<usize>>, neighbours: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut position = vec![0.0f64; neighbours.len()];
    let place = |layers: &Vec<Vec<usize>>, position: &mut Vec<f64>| {
        for l in layers {
            for (i, &b) in l.iter().enumerate() {
                position[b] = i as f64;
            }
        }
    };
    place(&layers, &mut position);
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let other = if down { l - 1 } else { l + 1 };
            let mut keyed: Vec<(f64, f64, usize)> = layers[l]
                .iter()
                .map(|&b| {
                    let near: Vec<f64> = neighbours[b]
                        .iter()
                        .filter(|n| layers[other].contains(n))
                        .map(|&n| position[n])
                        .collect();
                    let key = if near.is_empty() {
                        position[b]
                    } else {
                        near.iter().sum::<f64>() / near.len() as f64
                    };
                    (key, position[b], b)
                })
                .collect();
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
            layers[l] = keyed.into_iter().map(|(_, _, b)| b).collect();
            place(&layers, &mut position);
        }
    }
    layers
}
