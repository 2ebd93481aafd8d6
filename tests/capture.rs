//! Packet capture: every interface of every namespace, from the start, in
//! memory within bounds; a pcapng file per failing test whose frames match
//! the traffic; `Net::packets` in the body.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use netns_test::{netns_test, Direction, Net};

const ROUTED: &str = "tests/topologies/routed-dual.net";

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
#[ignore = "fixture: run by a_failing_test_writes_a_pcapng_whose_frames_match_the_traffic"]
fn fixture_ping_across_the_router_then_fail(net: &Net) {
    net.node("a").ping(ip("10.2.0.2")).unwrap();
    panic!("failing on purpose, after one ping");
}

/// Runs fixture `name` with `env` and returns its output.
fn run_fixture(name: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([name, "--exact", "--include-ignored", "--nocapture"])
        .env_remove("NEXTEST_EXECUTION_MODE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// What the report printed after `what` (`capture: `, `picture: `).
fn reported(out: &Output, what: &str) -> String {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    all.lines()
        .find_map(|l| l.split(what).nth(1))
        .unwrap_or_else(|| panic!("no {what:?} line in:\n{all}"))
        .to_string()
}

/// The path the report printed after `capture: `.
fn reported_path(out: &Output) -> PathBuf {
    PathBuf::from(reported(out, "capture: ").split(" (").next().unwrap())
}

/// The path the report printed after `picture: `.
fn reported_picture(out: &Output) -> PathBuf {
    PathBuf::from(reported(out, "picture: ").trim())
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("netns-test-capture-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_failing_test_writes_a_pcapng_whose_frames_match_the_traffic() {
    let dir = scratch("ping");
    let out = run_fixture(
        "fixture_ping_across_the_router_then_fail",
        &[("NETNS_TEST_CAPTURE_DIR", dir.to_str().unwrap())],
    );
    assert!(!out.status.success());
    let path = reported_path(&out);
    assert!(path.starts_with(&dir), "{}", path.display());
    let file = pcapng::read(&path);
    // The ICMP echo and its reply on both of the router's interfaces, in
    // order: in on eth0, out on eth1, in on eth1, out on eth0.
    let icmp: Vec<(String, Direction, u8)> = file
        .frames
        .iter()
        .filter_map(|f| {
            let (proto, icmp_type) = ipv4_icmp(&f.data)?;
            (proto == 1 && f.interface.starts_with("r:"))
                .then(|| (f.interface.clone(), f.direction, icmp_type))
        })
        .collect();
    assert_eq!(
        icmp,
        [
            ("r:eth0".to_string(), Direction::In, 8),
            ("r:eth1".to_string(), Direction::Out, 8),
            ("r:eth1".to_string(), Direction::In, 0),
            ("r:eth0".to_string(), Direction::Out, 0),
        ],
        "{:#?}",
        file.frames.iter().map(|f| &f.interface).collect::<Vec<_>>()
    );
    // Every interface of every node, named after it.
    for name in ["a:eth0", "b:eth0", "r:eth0", "r:eth1"] {
        assert!(
            file.interfaces.iter().any(|i| i == name),
            "{:?}",
            file.interfaces
        );
    }
    // Timestamps in order, and from this run.
    assert!(file.frames.windows(2).all(|w| w[0].ns <= w[1].ns));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failing_test_draws_its_network_beside_its_capture() {
    let dir = scratch("picture");
    let out = run_fixture(
        "fixture_ping_across_the_router_then_fail",
        &[("NETNS_TEST_CAPTURE_DIR", dir.to_str().unwrap())],
    );
    assert!(!out.status.success());
    let capture = reported_path(&out);
    let picture = reported_picture(&out);
    assert_eq!(picture, capture.with_extension("svg"));
    let svg = std::fs::read_to_string(&picture).unwrap();
    // The picture of the topology file, as `Topology::to_svg` draws it.
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(ROUTED));
    if let Ok(text) = text {
        let topology: netns_test::Topology = text.parse().unwrap();
        assert_eq!(svg, topology.to_svg());
    }
    for name in [">a<", ">b<", ">r (router)<", "10.1.0.2/24", "fd02::2/64"] {
        assert!(svg.contains(name), "{name} missing:\n{svg}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// `(protocol, ICMP type)` of an IPv4 ICMP frame.
fn ipv4_icmp(frame: &[u8]) -> Option<(u8, u8)> {
    if frame.get(12..14)? != [0x08, 0x00] {
        return None;
    }
    let ihl = usize::from(frame.get(14)? & 0x0f) * 4;
    Some((*frame.get(14 + 9)?, *frame.get(14 + ihl)?))
}

#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24")]
fn net_packets_sees_a_tcp_handshake(net: &Net) {
    let listener = net
        .node("b")
        .run(|| TcpListener::bind("10.0.0.2:80").unwrap());
    let client = net
        .node("a")
        .run(|| TcpStream::connect("10.0.0.2:80").unwrap());
    let port = client.local_addr().unwrap().port();
    let (mut conn, _) = listener.accept().unwrap();
    (&client).write_all(b"x").unwrap();
    conn.read_exact(&mut [0u8; 1]).unwrap();
    let packets = net.packets();
    let on_a: Vec<_> = packets
        .iter()
        .filter(|p| p.node() == "a" && p.interface() == "eth0")
        .filter_map(|p| Some((p.direction(), p.ip()?)))
        .filter(|(_, ip)| ip.is_tcp())
        .collect();
    let (dir, syn) = on_a[0];
    assert_eq!(dir, Direction::Out);
    assert!(syn.is_syn(), "{syn:?}");
    assert_eq!((syn.src, syn.src_port), (ip("10.0.0.1"), Some(port)));
    assert_eq!((syn.dst, syn.dst_port), (ip("10.0.0.2"), Some(80)));
    let (dir, syn_ack) = on_a[1];
    assert_eq!(dir, Direction::In);
    assert_eq!(syn_ack.tcp_flags.map(|f| f & 0x12), Some(0x12), "SYN-ACK");
    assert_eq!(syn_ack.dst_port, Some(port));
    // b saw the same SYN come in.
    assert!(packets.iter().any(|p| p.node() == "b"
        && p.direction() == Direction::In
        && p.ip()
            .is_some_and(|i| i.is_syn() && i.src_port == Some(port))));
    assert!(packets.windows(2).all(|w| w[0].time() <= w[1].time()));
}

#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24")]
#[ignore = "fixture: run by a_flood_keeps_the_capture_within_its_bounds"]
fn fixture_flood_then_fail(net: &Net) {
    let rx = net
        .node("b")
        .run(|| UdpSocket::bind("10.0.0.2:7000").unwrap());
    let tx = net.node("a").run(|| UdpSocket::bind("10.0.0.1:0").unwrap());
    let payload = vec![0u8; 1400];
    for _ in 0..5000 {
        let _ = tx.send_to(&payload, "10.0.0.2:7000");
        let _ = rx.recv(&mut [0u8; 1500]);
    }
    let kept = net.packets();
    println!("kept in memory: {} frames", kept.len());
    assert!(kept.len() <= 100, "{}", kept.len());
    panic!("failing on purpose, after the flood");
}

#[test]
fn a_flood_keeps_the_capture_within_its_bounds() {
    let dir = scratch("flood");
    let out = run_fixture(
        "fixture_flood_then_fail",
        &[
            ("NETNS_TEST_CAPTURE_DIR", dir.to_str().unwrap()),
            ("NETNS_TEST_CAPTURE_FRAMES", "100"),
        ],
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("failing on purpose, after the flood"), "{all}");
    let file = pcapng::read(&reported_path(&out));
    assert!(file.frames.len() <= 100, "{}", file.frames.len());
    // Per interface, what the bound evicted; in the section's comment, that
    // and what the kernel dropped when the capture fell behind: together,
    // all but the last 100 of the flood's 10 000 frames (out of a, into b).
    assert!(file.dropped > 0, "the interfaces say what was dropped");
    let comment = file.comment.clone().unwrap_or_default();
    let total: u64 = comment
        .split(" frames dropped")
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{comment:?}"));
    assert!(total >= 9900, "{comment}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[ignore = "fixture: run by always_writes_for_a_passing_test_and_never_captures_nothing"]
fn fixture_pass_with_one_ping(net: &Net) {
    net.node("a").ping(ip("10.0.0.2")).unwrap();
    println!("packets seen: {}", net.packets().len());
}

#[test]
fn always_writes_for_a_passing_test_and_never_captures_nothing() {
    let dir = scratch("always");
    let out = run_fixture(
        "fixture_pass_with_one_ping",
        &[
            ("NETNS_TEST_CAPTURE_DIR", dir.to_str().unwrap()),
            ("NETNS_TEST_CAPTURE", "always"),
        ],
    );
    assert!(out.status.success());
    let file = pcapng::read(&reported_path(&out));
    assert!(file
        .frames
        .iter()
        .any(|f| ipv4_icmp(&f.data) == Some((1, 8))));
    // And the picture of its network beside it.
    let picture = std::fs::read_to_string(reported_picture(&out)).unwrap();
    assert!(picture.starts_with("<svg"), "{picture}");
    std::fs::remove_dir_all(&dir).unwrap();

    let out = run_fixture(
        "fixture_pass_with_one_ping",
        &[
            ("NETNS_TEST_CAPTURE_DIR", dir.to_str().unwrap()),
            ("NETNS_TEST_CAPTURE", "never"),
        ],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("packets seen: 0"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("picture:"));
    assert!(!dir.exists());
}

#[test]
fn the_default_directory_is_in_the_target_directory() {
    let out = run_fixture("fixture_ping_across_the_router_then_fail", &[]);
    let path = reported_path(&out);
    // Next to this binary's target directory, unless it could not be
    // written (a copy of the binary run elsewhere).
    let exe = std::env::current_exe().unwrap();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .unwrap();
    if target.join("CACHEDIR.TAG").exists() && !is_unprivileged_copy() {
        assert!(
            path.starts_with(target.join("netns-test")),
            "{}",
            path.display()
        );
    }
    assert!(path.exists());
    let _ = std::fs::remove_file(path);
    let _ = ROUTED;
}

fn is_unprivileged_copy() -> bool {
    nix_free_euid() != 0
}

/// The effective uid, from /proc (no extra dependency).
fn nix_free_euid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// A small pcapng reader: enough to check what the capture wrote.
mod pcapng {
    use std::path::Path;

    use netns_test::Direction;

    pub struct Frame {
        pub interface: String,
        pub direction: Direction,
        /// Nanoseconds since the epoch.
        pub ns: u64,
        pub data: Vec<u8>,
    }

    pub struct File {
        pub interfaces: Vec<String>,
        pub frames: Vec<Frame>,
        pub dropped: u64,
        pub comment: Option<String>,
    }

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([b[at], b[at + 1]])
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    /// The options from `at` to the end of a block body: (code, value).
    fn options(body: &[u8], mut at: usize) -> Vec<(u16, Vec<u8>)> {
        let mut out = Vec::new();
        while at + 4 <= body.len() {
            let (code, len) = (u16_at(body, at), usize::from(u16_at(body, at + 2)));
            if code == 0 {
                break;
            }
            out.push((code, body[at + 4..at + 4 + len].to_vec()));
            at += 4 + len.div_ceil(4) * 4;
        }
        out
    }

    pub fn read(path: &Path) -> File {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(
            u32_at(&bytes, 0),
            0x0A0D_0D0A,
            "a section header block first"
        );
        assert_eq!(u32_at(&bytes, 8), 0x1A2B_3C4D, "little endian");
        let mut file = File {
            interfaces: Vec::new(),
            frames: Vec::new(),
            dropped: 0,
            comment: None,
        };
        let mut at = 0;
        while at + 12 <= bytes.len() {
            let (kind, len) = (u32_at(&bytes, at), u32_at(&bytes, at + 4) as usize);
            assert_eq!(
                u32_at(&bytes, at + len - 4) as usize,
                len,
                "trailing length"
            );
            let body = &bytes[at + 8..at + len - 4];
            match kind {
                0x0A0D_0D0A => {
                    for (code, value) in options(body, 16) {
                        if code == 1 {
                            file.comment = Some(String::from_utf8_lossy(&value).into_owned());
                        }
                    }
                }
                1 => {
                    assert_eq!(u16_at(body, 0), 1, "LINKTYPE_ETHERNET");
                    let name = options(body, 8)
                        .into_iter()
                        .find(|(c, _)| *c == 2)
                        .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
                        .unwrap_or_default();
                    file.interfaces.push(name);
                }
                6 => {
                    let iface = u32_at(body, 0) as usize;
                    let ns = (u64::from(u32_at(body, 4)) << 32) | u64::from(u32_at(body, 8));
                    let caplen = u32_at(body, 12) as usize;
                    let data = body[20..20 + caplen].to_vec();
                    let flags = options(body, 20 + caplen.div_ceil(4) * 4)
                        .into_iter()
                        .find(|(c, _)| *c == 2)
                        .map(|(_, v)| u32::from_le_bytes(v[..4].try_into().unwrap()))
                        .unwrap_or(0);
                    file.frames.push(Frame {
                        interface: file.interfaces[iface].clone(),
                        direction: if flags & 0b11 == 0b10 {
                            Direction::Out
                        } else {
                            Direction::In
                        },
                        ns,
                        data,
                    });
                }
                5 => {
                    for (code, value) in options(body, 12) {
                        if code == 5 {
                            file.dropped += u64::from_le_bytes(value[..8].try_into().unwrap());
                        }
                    }
                }
                _ => {}
            }
            at += len;
        }
        file
    }
}

/// The README's example, as written there.
#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn the_router_forwards_and_never_leaks(net: &Net) {
    net.node("a").ping("10.2.0.2".parse().unwrap()).unwrap();
    let packets = net.packets();
    assert!(packets.iter().any(|p| p.node() == "r"
        && p.interface() == "eth1"
        && p.direction() == Direction::Out
        && p.ip().is_some_and(|ip| ip.icmp_type == Some(8))));
    assert!(!packets.iter().any(|p| p.node() == "r"
        && p.interface() == "eth0"
        && p.direction() == Direction::Out
        && p.ip()
            .is_some_and(|ip| ip.src == "10.1.0.2".parse::<IpAddr>().unwrap())));
    let shown: Vec<String> = packets.iter().map(|p| p.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|l| l.contains("r:eth1 out 10.1.0.2 > 10.2.0.2 ICMP echo request")),
        "{shown:#?}"
    );
}

#[netns_test(
    topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24",
    timeout = "500ms"
)]
#[ignore = "fixture: run by a_timed_out_test_writes_its_capture_too"]
fn fixture_ping_then_hang(net: &Net) {
    net.node("a").ping(ip("10.0.0.2")).unwrap();
    loop {
        std::thread::park();
    }
}

#[test]
fn a_timed_out_test_writes_its_capture_too() {
    let dir = scratch("timeout");
    let out = run_fixture(
        "fixture_ping_then_hang",
        &[("NETNS_TEST_CAPTURE_DIR", dir.to_str().unwrap())],
    );
    assert!(!out.status.success());
    let file = pcapng::read(&reported_path(&out));
    assert!(file
        .frames
        .iter()
        .any(|f| ipv4_icmp(&f.data) == Some((1, 0))));
    std::fs::remove_dir_all(dir).unwrap();
}
