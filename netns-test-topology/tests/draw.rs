//! Pictures of topologies: golden files for the three formats, and the
//! SVG's promises checked from its own coordinates: it parses as XML,
//! holds every node, interface and address once, and no two texts overlap,
//! for a generated network of 30 nodes too.
//!
//! `NETNS_TEST_BLESS=1 cargo test -p netns-test-topology --test draw`
//! rewrites the golden files after a deliberate change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use netns_test_topology::Topology;

const WALKTHROUGH: &str = include_str!("draw/walkthrough.net");
const ROUTED: &str = include_str!("draw/routed.net");

fn topology(text: &str) -> Topology {
    text.parse()
        .unwrap_or_else(|e| panic!("the topology does not parse:\n{e}"))
}

/// Compares `made` with the golden file `name` (or rewrites it when
/// blessing).
fn golden(name: &str, golden: &str, made: &str) {
    if std::env::var_os("NETNS_TEST_BLESS").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/draw")
            .join(name);
        std::fs::write(&path, made).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    assert!(
        made == golden,
        "tests/draw/{name} differs from what is drawn now (NETNS_TEST_BLESS=1 rewrites it):\n{made}"
    );
}

mod golden_files_should {
    use super::*;

    #[test]
    fn hold_the_walkthrough_as_svg() {
        golden(
            "walkthrough.svg",
            include_str!("draw/walkthrough.svg"),
            &topology(WALKTHROUGH).to_svg(),
        );
    }

    #[test]
    fn hold_the_walkthrough_as_mermaid() {
        golden(
            "walkthrough.mmd",
            include_str!("draw/walkthrough.mmd"),
            &topology(WALKTHROUGH).to_mermaid(),
        );
    }

    #[test]
    fn hold_the_walkthrough_as_dot() {
        golden(
            "walkthrough.dot",
            include_str!("draw/walkthrough.dot"),
            &topology(WALKTHROUGH).to_dot(),
        );
    }

    #[test]
    fn hold_the_routed_network_as_svg() {
        golden(
            "routed.svg",
            include_str!("draw/routed.svg"),
            &topology(ROUTED).to_svg(),
        );
    }

    #[test]
    fn hold_the_routed_network_as_mermaid() {
        golden(
            "routed.mmd",
            include_str!("draw/routed.mmd"),
            &topology(ROUTED).to_mermaid(),
        );
    }

    #[test]
    fn hold_the_routed_network_as_dot() {
        golden(
            "routed.dot",
            include_str!("draw/routed.dot"),
            &topology(ROUTED).to_dot(),
        );
    }
}

/// A text of the SVG: its content, its class, its block and interface,
/// and its box (`x .. x + textLength` by `y - size .. y + 4`, the bounds
/// the SVG documents for its `font-size`).
#[derive(Debug)]
struct Text {
    content: String,
    class: String,
    block: Option<String>,
    ifname: Option<String>,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

fn number(node: roxmltree::Node<'_, '_>, attr: &str) -> f64 {
    node.attribute(attr)
        .unwrap_or_else(|| panic!("<{}> without {attr}", node.tag_name().name()))
        .parse()
        .unwrap_or_else(|_| panic!("{attr} is not a number"))
}

/// Parses `svg` as XML (failing the test if it is not) and returns its texts.
fn texts(svg: &str) -> Vec<Text> {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("the SVG is not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let size = number(root, "font-size");
    // Self-contained: nothing to run, nothing to fetch.
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            !["script", "image", "foreignObject", "style"].contains(&tag),
            "<{tag}>"
        );
        assert!(
            node.attributes()
                .all(|a| !a.value().contains("http") || a.name() == "xmlns"),
            "a link in <{tag}>"
        );
    }
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|t| {
            let (x, y) = (number(t, "x"), number(t, "y"));
            let block = t
                .ancestors()
                .find(|a| a.attribute("class") == Some("block"))
                .and_then(|g| g.attribute("data-name"))
                .map(str::to_string);
            Text {
                content: t.text().unwrap_or_default().to_string(),
                class: t.attribute("class").unwrap_or_default().to_string(),
                block,
                ifname: t.attribute("data-ifname").map(str::to_string),
                left: x,
                right: x + number(t, "textLength"),
                top: y - size,
                bottom: y + 4.0,
            }
        })
        .collect()
}

/// Every pair of texts whose boxes overlap.
fn overlaps(texts: &[Text]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            if a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom {
                out.push((a.content.clone(), b.content.clone()));
            }
        }
    }
    out
}

/// Checks that the SVG of `topology` holds each of its namespaces and
/// bridges once as a title, each interface once as a row of its own block,
/// and each address once; and that no two texts overlap.
fn check_svg(topology: &Topology) {
    let svg = topology.to_svg();
    let texts = texts(&svg);
    let plan = topology.plan();

    let titles: Vec<&Text> = texts.iter().filter(|t| t.class == "title").collect();
    // The host is drawn when something is in it.
    let host_used = !plan.bridges.is_empty()
        || plan.links.iter().any(|l| {
            [&l.a, &l.b]
                .iter()
                .any(|e| e.ns.0 == 0 && e.bridge.is_none())
        });
    let mut names: Vec<String> = plan
        .namespaces
        .iter()
        .filter(|n| host_used || n.name != "host")
        .map(|n| n.name.clone())
        .collect();
    names.extend(plan.bridges.iter().map(|b| b.name.clone()));
    let mut titled: Vec<String> = titles.iter().filter_map(|t| t.block.clone()).collect();
    titled.sort();
    names.sort();
    assert_eq!(titled, names, "one title per namespace and bridge");
    for t in &titles {
        let name = t.block.as_deref().unwrap_or_default();
        assert!(
            t.content.starts_with(name),
            "title {:?} of {name}",
            t.content
        );
    }

    let mut expected = BTreeMap::new();
    for end in plan.links.iter().flat_map(|l| [&l.a, &l.b]) {
        let block = match end.bridge {
            Some(b) => plan.bridges[b].name.clone(),
            None => plan.namespaces[end.ns.0].name.clone(),
        };
        *expected.entry((block, end.ifname.clone())).or_insert(0) += 1;
    }
    let mut found = BTreeMap::new();
    for t in texts.iter().filter(|t| t.class == "interface") {
        let key = (
            t.block.clone().unwrap_or_default(),
            t.ifname.clone().unwrap_or_default(),
        );
        assert!(t.content.starts_with(&key.1), "{t:?}");
        *found.entry(key).or_insert(0) += 1;
    }
    assert_eq!(found, expected, "one row per interface, in its own block");

    let words: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.content.split_whitespace())
        .collect();
    let mut addresses = BTreeSet::new();
    for end in plan.links.iter().flat_map(|l| [&l.a, &l.b]) {
        addresses.extend(end.addrs.iter().map(|c| c.to_string()));
    }
    for bridge in &plan.bridges {
        addresses.extend(bridge.addrs.iter().map(|c| c.to_string()));
    }
    for address in &addresses {
        let count = words.iter().filter(|w| *w == address).count();
        assert_eq!(count, 1, "address {address} shown {count} times");
    }

    let overlapping = overlaps(&texts);
    assert!(overlapping.is_empty(), "texts overlap: {overlapping:?}");
}

/// A network of `nodes` nodes: routers in a chain, each with a LAN bridge
/// and a few nodes on it, some links impaired, the rest on direct links
/// to the routers; the host on the first router, with NAT.
fn generated(nodes: usize) -> String {
    let routers = 4;
    let mut t = String::new();
    t.push_str(&format!(
        "router {}\n",
        (0..routers)
            .map(|r| format!("r{r}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    t.push_str(&format!(
        "node {}\n",
        (0..nodes)
            .map(|n| format!("n{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for r in 0..routers {
        t.push_str(&format!("bridge lan{r}\n"));
        t.push_str(&format!("r{r}:lan 10.{r}.0.1/24 -- lan{r}\n"));
    }
    for r in 1..routers {
        t.push_str(&format!(
            "r{}:up 172.16.{r}.1/30 -- r{r}:down 172.16.{r}.2/30 mtu=1400\n",
            r - 1
        ));
    }
    for n in 0..nodes {
        let r = n % routers;
        let options = match n % 5 {
            0 => " delay=10ms loss=1%",
            3 => " rate=10mbit",
            _ => "",
        };
        if n % 3 == 2 {
            t.push_str(&format!(
                "n{n}:eth0 10.{}.{}.2/30 -- r{r}:p{n} 10.{}.{}.1/30{options}\n",
                100 + r,
                n * 4,
                100 + r,
                n * 4
            ));
        } else {
            t.push_str(&format!(
                "n{n}:eth0 10.{r}.0.{}/24 -- lan{r}{options}\n",
                10 + n
            ));
        }
    }
    t.push_str("host:uplink 192.0.2.1/24 -- r0:wan 192.0.2.2/24\nnat host:uplink\n");
    t
}

mod svg_should {
    use super::*;

    #[test]
    fn hold_the_walkthrough_once_each_without_overlap() {
        check_svg(&topology(WALKTHROUGH));
    }

    #[test]
    fn hold_the_routed_network_once_each_without_overlap() {
        check_svg(&topology(ROUTED));
    }

    #[test]
    fn keep_thirty_nodes_apart() {
        let text = generated(30);
        let t = topology(&text);
        assert_eq!(
            t.plan().namespaces.len(),
            1 + 4 + 30,
            "host, four routers and 30 nodes"
        );
        check_svg(&t);
    }

    #[test]
    fn keep_every_size_up_to_forty_apart() {
        for nodes in 1..=40 {
            check_svg(&topology(&generated(nodes)));
        }
    }

    #[test]
    fn catch_an_overlap_when_there_is_one() {
        // The check itself can fail: two texts at the same place.
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\">\
                   <text x=\"10\" y=\"20\" textLength=\"40\">a</text>\
                   <text x=\"30\" y=\"25\" textLength=\"40\">b</text></svg>";
        assert_eq!(overlaps(&texts(svg)).len(), 1);
    }

    #[test]
    fn escape_what_xml_needs_escaped() {
        let t = topology(
            "node a, b\na:eth0 10.0.0.2/24 -- host:eth0 10.0.0.1/24\n\
             host:up 192.0.2.1/24 -- b:eth0 192.0.2.2/24\n\
             forward host:up tcp 8080 to 10.0.0.2:80",
        );
        // Parsing it is the check; the forward's text is in it.
        let all: String = texts(&t.to_svg())
            .iter()
            .map(|t| t.content.clone())
            .collect();
        assert!(all.contains("forward tcp 8080 to 10.0.0.2:80"), "{all}");
    }
}
