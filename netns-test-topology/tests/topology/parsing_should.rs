//! Unknown statements, and no panic on any input (a small fuzzer).

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use netns_test_topology::{NsId, NsKind, Topology, PPM_PER_PERCENT};

use crate::support::{only_error, rendered, summary};

#[test]
fn reject_an_unknown_statement_listing_the_valid_ones() {
    assert_eq!(
        rendered("switch sw0"),
        "\
error: unknown statement `switch`
 --> topology:1:1
  |
1 | switch sw0
  | ^^^^^^ not a statement
  |
  = help: if this is a link, put `--` between its two ends. The statements are `node NAME[, NAME...]`, `router NAME[, NAME...]`, `bridge NAME [CIDR...]`, `END -- END [OPTION...]`, `route OWNER DEST via ADDR`, `sysctl OWNER KEY=VALUE`, `nat OWNER:IFNAME [random]` and `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`"
    );
}

#[test]
fn suggest_a_keyword_close_to_an_unknown_statement() {
    let help = only_error("nodes a").help().map(str::to_owned);
    assert!(
        help.as_deref()
            .is_some_and(|h| h.starts_with("did you mean `node`? The statements are")),
        "{help:?}"
    );
    assert!(only_error("Router r")
        .help()
        .is_some_and(|h| h.starts_with("did you mean `router`?")));
}

#[test]
fn suggest_spaces_around_a_glued_dash_dash() {
    assert!(only_error("node a\na--host")
        .help()
        .is_some_and(|h| h.starts_with("to write a link, put spaces around `--`: `a -- host`.")));
}

#[test]
fn suggest_a_dash_dash_between_two_ends() {
    assert!(only_error("node a, b\na:eth0 b:eth0")
        .help()
        .is_some_and(|h| h.starts_with("if this is a link")));
}

#[test]
fn reject_a_statement_starting_with_a_comma() {
    assert_eq!(
        summary(", node a"),
        ["1:1 unexpected `,` at the start of a statement"]
    );
}

/// xorshift64*: small, deterministic, good enough to make inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const VOCABULARY: &[&str] = &[
    "node",
    "router",
    "bridge",
    "route",
    "sysctl",
    "nat",
    "forward",
    "random",
    "tcp",
    "udp",
    "to",
    "80",
    "0",
    "65536",
    "10.0.0.2:80",
    "[fd00::2]:80",
    "fd00::2:80",
    "10.0.0.2:0",
    "[10.0.0.2]:80",
    "host:br",
    "br:p",
    "host:eth1",
    "host",
    "via",
    "default",
    "--",
    "-",
    ",",
    ";",
    "\n",
    "\r\n",
    "#",
    "# comment\n",
    ":",
    "=",
    "/",
    "a",
    "b",
    "r",
    "br",
    "a:eth0",
    "b:eth0",
    "br:p",
    "host:eth0",
    "a:",
    ":x",
    "lo",
    "a:lo",
    "eth0",
    "10.0.0.1/24",
    "10.0.0.2/24",
    "10.0.0.1",
    "10.0.0.0/33",
    "fd00::1/64",
    "fd00::2/64",
    "fe80::1",
    "::/0",
    "0.0.0.0/0",
    "/24",
    "10.0.0.1/",
    "mtu=1400",
    "mtu=",
    "mtu",
    "mtu=1000",
    "mtu2=5",
    "mtu=99999999999999999999",
    "delay=20ms",
    "delay=0ms",
    "delay=1.5ms",
    "delay=20",
    "delay=20sec",
    "delay=-5ms",
    "delay=61s",
    "delay=0.5us",
    "delay=",
    "delay",
    "dealy=20ms",
    "jitter=5ms",
    "jitter=0.000001s",
    "loss=1%",
    "loss=0.5%",
    "loss=0%",
    "loss=1",
    "loss=150%",
    "loss=0.00001%",
    "loss=-1%",
    "duplicate=1%",
    "reorder=25%",
    "corrupt=0.1%",
    "rate=10mbit",
    "rate=1.5gbit",
    "rate=0",
    "rate=0kbit",
    "rate=10mb",
    "rate=200gbit",
    "rate=0.0001kbit",
    "rate=99999999999999999999999gbit",
    "20ms",
    "ms",
    "%",
    "1.2.3",
    "µs",
    "net.ipv4.ip_forward=1",
    "net..x=1",
    "kernel.x=1",
    "net.x=",
    "=1",
    "é",
    "\t",
    " ",
    "  ",
    "\u{0}",
    "\u{7f}",
    "\u{2028}",
    "🦀",
    "averyveryverylongname",
    "host:a/b",
    "..",
    ".",
    "a -- a",
    "a:all",
    "a:x%d",
    "a:eth0.1",
    "net.ipv4.conf.eth0.1.rp_filter=1",
    "10.0.0.0/24",
    "10.0.0.255/24",
    "10.0.1.2/24",
    "224.0.0.1/24",
    "ff02::1/64",
    "::1/128",
    "fe80::3e8/64",
    "10.0.0.1/0",
    "10.0.0.0/16",
];

const VALID: &[&str] = &[
    "node ns1\nbridge testbr 10.0.0.1/24\nns1:eth0 10.0.0.100/24 -- testbr:ns1-nic",
    "node a, b\na:eth0 10.0.0.1/24 fd00::1/64 -- b:eth0 10.0.0.2/24 fd00::2/64 mtu=1400",
    "node a, b; router r\na 10.0.1.2/24 -- r 10.0.1.1/24\nr 10.0.2.1/24 -- b 10.0.2.2/24\n\
     route a default via 10.0.1.1\nroute b 10.0.1.0/24 via 10.0.2.1\nsysctl r net.ipv4.ip_forward=1",
    "bridge br0 10.0.0.1/24\nnode a, b, c\na 10.0.0.2/24 -- br0\nb 10.0.0.3/24 -- br0:uplink\nc -- br0\n\
     host 10.9.0.1/24 -- c 10.9.0.2/24\nroute c default via 10.9.0.1\nroute host 10.1.0.0/16 via 10.0.0.2",
    "node a, b\nbridge br 10.1.0.1/24 fd01::1/64\na 10.0.0.1/24 -- host:up 10.0.0.2/24 fd00::2/64\n\
     b 10.1.0.2/24 -- br\nnat host:up random\nnat host:br\nforward host:up tcp 80 to 10.1.0.2:80\n\
     forward host:up udp 53 to [fd01::2]:53\nroute b default via 10.1.0.1",
    "node a, b\nbridge br\na:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 delay=20ms jitter=5ms loss=1% rate=10mbit\n\
     b -- br mtu=1400 duplicate=0.5% reorder=25% delay=1.5ms corrupt=0.1%",
];

/// Parses `src`, failing with the input if it panics, and checks what a
/// plan promises. Returns whether `src` was valid.
fn check(src: &str) -> bool {
    let Ok(result) = catch_unwind(AssertUnwindSafe(|| src.parse::<Topology>())) else {
        panic!("Topology::from_str panicked on {src:?}");
    };
    let topology = match result {
        Ok(topology) => topology,
        Err(error) => {
            assert!(!error.diagnostics().is_empty(), "{src:?}");
            for d in error.diagnostics() {
                assert!(d.line() >= 1 && d.column() >= 1, "{src:?}");
                assert!(d.to_string().contains('^'), "{src:?}");
            }
            return false;
        }
    };
    let plan = topology.plan();
    assert_eq!(plan.namespaces[0].kind, NsKind::Host, "{src:?}");
    let mut seen = HashSet::new();
    for bridge in &plan.bridges {
        assert!(seen.insert((0, bridge.name.clone())), "{src:?}");
    }
    for link in &plan.links {
        let same_node = link.a.ns != NsId::HOST && link.a.ns == link.b.ns;
        let same_bridge = link.a.bridge.is_some() && link.a.bridge == link.b.bridge;
        assert!(!same_node && !same_bridge, "{src:?}: a link to itself");
    }
    for end in plan.links.iter().flat_map(|l| [&l.a, &l.b]) {
        let name = &end.ifname;
        assert!(
            !name.contains('%') && name != "all" && name != "default",
            "{src:?}: {name}"
        );
        for cidr in &end.addrs {
            assert!(cidr.prefix > 0, "{src:?}: {cidr}");
            assert!(
                !cidr.addr.is_multicast() && !cidr.addr.is_loopback(),
                "{src:?}: {cidr}"
            );
        }
        assert!(!name.is_empty() && name.len() <= 15, "{src:?}: {name}");
        assert!(end.ns.0 < plan.namespaces.len(), "{src:?}");
        assert!(
            end.bridge.iter().all(|&b| b < plan.bridges.len()),
            "{src:?}"
        );
        assert!(
            seen.insert((end.ns.0, name.clone())),
            "{src:?}: {name} twice"
        );
    }
    for impairment in plan.links.iter().filter_map(|l| l.impairment) {
        let percentages = [
            impairment.loss_ppm,
            impairment.duplicate_ppm,
            impairment.reorder_ppm,
            impairment.corrupt_ppm,
        ];
        assert!(
            percentages.iter().all(|&p| p <= 100 * PPM_PER_PERCENT),
            "{src:?}: {impairment:?}"
        );
        let minute = Duration::from_secs(60);
        assert!(
            impairment.delay <= minute && impairment.jitter <= minute,
            "{src:?}: {impairment:?}"
        );
        if impairment.jitter > Duration::ZERO || impairment.reorder_ppm > 0 {
            assert!(impairment.delay > Duration::ZERO, "{src:?}: {impairment:?}");
        }
        if let Some(rate) = impairment.rate {
            assert!(
                (1..=100_000_000_000).contains(&rate),
                "{src:?}: {impairment:?}"
            );
        }
    }
    let interfaces: HashSet<(usize, &str)> = plan
        .links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .map(|e| (e.ns.0, e.ifname.as_str()))
        .chain(plan.bridges.iter().map(|b| (0, b.name.as_str())))
        .collect();
    let mut masqueraded = HashSet::new();
    for nat in &plan.nats {
        let at = (nat.ns.0, nat.ifname.as_str());
        assert!(interfaces.contains(&at), "{src:?}: nat on {at:?}");
        assert!(masqueraded.insert(at), "{src:?}: two nats on {at:?}");
    }
    let mut forwarded = HashSet::new();
    for forward in &plan.forwards {
        let at = (forward.ns.0, forward.ifname.as_str());
        assert!(interfaces.contains(&at), "{src:?}: forward on {at:?}");
        assert!(forward.port > 0 && forward.to.port() > 0, "{src:?}");
        assert!(
            forwarded.insert((at, forward.protocol, forward.port)),
            "{src:?}: {forward:?} twice"
        );
    }
    for ns in plan
        .nats
        .iter()
        .map(|n| n.ns)
        .chain(plan.forwards.iter().map(|f| f.ns))
    {
        let on = plan
            .sysctls
            .iter()
            .any(|s| s.ns == ns && s.key == "net.ipv4.ip_forward");
        assert!(on, "{src:?}: no forwarding in {ns:?}");
    }
    true
}

fn random_bytes(rng: &mut Rng) -> String {
    let len = rng.below(120);
    let bytes: Vec<u8> = (0..len)
        .map(|_| match rng.below(4) {
            0 => rng.next() as u8,
            _ => *rng.pick(b"node br:-/=,;#\n 0123456789.abcdef"),
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn token_soup(rng: &mut Rng) -> String {
    let count = rng.below(24);
    let mut out = String::new();
    for _ in 0..count {
        let word = *rng.pick(VOCABULARY);
        let separator = *rng.pick(&[" ", " ", " ", "", "\n", ", "]);
        out.push_str(word);
        out.push_str(separator);
    }
    out
}

fn mutation(rng: &mut Rng) -> String {
    let mut chars: Vec<char> = rng.pick(VALID).chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(7) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => {
                let token: Vec<char> = rng.pick(VOCABULARY).chars().collect();
                chars.splice(at..at, token);
            }
            2 if at < chars.len() => {
                let end = (at + rng.below(12)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            3 if chars.len() > 1 => {
                let other = rng.below(chars.len());
                let at = at.min(chars.len() - 1);
                chars.swap(at, other);
            }
            4 => {
                let c = char::from_u32(rng.next() as u32 % 0x3000).unwrap_or('x');
                chars.insert(at, c);
            }
            _ => {
                let text: String = chars.iter().collect();
                let mut words: Vec<&str> = text.split(' ').collect();
                let i = rng.below(words.len());
                let j = rng.below(words.len());
                match rng.below(3) {
                    0 => words.swap(i, j),
                    1 => {
                        words.remove(i);
                    }
                    _ => words.insert(i, words[j]),
                }
                chars = words.join(" ").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn accept_the_fuzzer_seeds() {
    for src in VALID {
        src.parse::<Topology>().unwrap_or_else(|e| panic!("{e}"));
    }
}

/// At least 100,000 inputs (`TOPOLOGY_FUZZ_CASES` raises it); about a second
/// in a debug build.
#[test]
fn never_panic_on_any_input() {
    let cases: usize = std::env::var("TOPOLOGY_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
        .max(100_000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut valid = 0;
    for i in 0..cases {
        let src = match i % 3 {
            0 => random_bytes(&mut rng),
            1 => token_soup(&mut rng),
            _ => mutation(&mut rng),
        };
        valid += usize::from(check(&src));
    }
    assert!(
        valid > cases / 100,
        "only {valid} valid inputs: the generators explore too little"
    );
}
