//! A pcapng writer (draft-ietf-opsawg-pcapng), for Wireshark and tcpdump.
//!
//! A file is one section: a Section Header Block, one Interface Description
//! Block per interface, an Enhanced Packet Block per frame, then one
//! Interface Statistics Block per interface. Everything is written
//! little-endian, whatever the host: the byte-order magic says so to
//! readers, and the same input gives the same bytes everywhere.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use super::packet::Direction;

/// Section Header Block.
const SHB: u32 = 0x0a0d_0d0a;
/// Interface Description Block.
const IDB: u32 = 0x0000_0001;
/// Interface Statistics Block.
const ISB: u32 = 0x0000_0005;
/// Enhanced Packet Block.
const EPB: u32 = 0x0000_0006;

/// The SHB's byte-order magic.
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
/// Format version 1.0.
const VERSION: (u16, u16) = (1, 0);
/// The section length: -1, not given.
const SECTION_LENGTH_UNKNOWN: u64 = u64::MAX;
/// `LINKTYPE_ETHERNET`.
const LINKTYPE_ETHERNET: u16 = 1;
/// The IDB's snap length: 0, no limit. The writer cuts nothing; each EPB
/// gives its captured and original length.
const SNAPLEN_UNLIMITED: u32 = 0;

/// `opt_endofopt`.
const OPT_ENDOFOPT: u16 = 0;
/// `opt_comment`.
const OPT_COMMENT: u16 = 1;
/// `shb_userappl`.
const SHB_USERAPPL: u16 = 4;
/// `if_name`.
const IF_NAME: u16 = 2;
/// `if_description`.
const IF_DESCRIPTION: u16 = 3;
/// `if_tsresol`.
const IF_TSRESOL: u16 = 9;
/// `epb_flags`.
const EPB_FLAGS: u16 = 2;
/// `isb_ifdrop`.
const ISB_IFDROP: u16 = 5;

/// `if_tsresol` 9: timestamps count nanoseconds (10^-9 s).
const TSRESOL_NANOSECONDS: u8 = 9;
/// `epb_flags` bits 0-1: inbound.
const EPB_FLAGS_INBOUND: u32 = 0b01;
/// `epb_flags` bits 0-1: outbound.
const EPB_FLAGS_OUTBOUND: u32 = 0b10;

/// What the file says wrote it.
const USER_APPLICATION: &str = "netns-test";

/// One interface of the file: an Interface Description Block.
pub(crate) struct Interface {
    /// `if_name`, e.g. `"r1:eth1"`.
    pub(crate) name: String,
    /// `if_description`, e.g. `"interface eth1 of node r1"`.
    pub(crate) description: String,
    /// Frames of this interface that are not in the file (over the
    /// capture's bound): the ISB's `isb_ifdrop`.
    pub(crate) dropped: u64,
}

/// One frame: an Enhanced Packet Block.
pub(crate) struct Frame<'a> {
    /// Index into the interfaces given to [`write`].
    pub(crate) interface: u32,
    /// When the frame was seen.
    pub(crate) timestamp: SystemTime,
    /// The frame as captured, from its Ethernet header on.
    pub(crate) data: &'a [u8],
    /// The frame's length on the wire.
    pub(crate) original_len: u32,
    /// Received (inbound) or sent (outbound) by the interface.
    pub(crate) direction: Direction,
}

/// Writes a whole pcapng file to `out`:
///
/// - a Section Header Block with `shb_userappl` "netns-test" and
///   `comment` (e.g. "312 frames dropped: over the capture's bound") as
///   its `opt_comment` when given;
/// - one Interface Description Block per interface, in order (a frame's
///   `interface` is an index into `interfaces`): `LINKTYPE_ETHERNET`, snap
///   length 0 (no limit), `if_name`, `if_description`, and `if_tsresol` 9
///   (nanoseconds);
/// - one Enhanced Packet Block per frame, in the order given, with the
///   timestamp in nanoseconds since the Unix epoch and `epb_flags` set to
///   inbound or outbound. An `original_len` below the captured length is
///   written as the captured length;
/// - one Interface Statistics Block per interface, always (so a reader sees
///   "0 dropped" as a fact, not an absence), with `isb_ifdrop` set to its
///   `dropped`. Its timestamp is that of the last frame in time (the epoch
///   when there are none): the writer reads no clock.
///
/// Each block goes to `out` in one `write_all`; pass a `BufWriter` for a
/// file.
///
/// # Errors
/// `InvalidInput`, before anything is written, for a frame whose
/// interface is not in `interfaces`, whose timestamp is before the epoch
/// (or after the year 2554), or whose data is over 4 GiB, and for a name,
/// description or comment over 65,535 bytes. Then any error of `out`.
pub(crate) fn write(
    out: &mut impl Write,
    interfaces: &[Interface],
    frames: &[Frame<'_>],
    comment: Option<&str>,
) -> io::Result<()> {
    let mut last = 0;
    for (i, frame) in frames.iter().enumerate() {
        check_frame(i, frame, interfaces.len())?;
        last = last.max(nanoseconds(frame.timestamp)?);
    }

    let mut block = Block::default();
    block.begin(SHB);
    block.u32(BYTE_ORDER_MAGIC);
    block.u16(VERSION.0);
    block.u16(VERSION.1);
    block.u64(SECTION_LENGTH_UNKNOWN);
    if let Some(comment) = comment {
        block.option(OPT_COMMENT, comment.as_bytes())?;
    }
    block.option(SHB_USERAPPL, USER_APPLICATION.as_bytes())?;
    block.end_of_options();
    block.finish(out)?;

    for interface in interfaces {
        block.begin(IDB);
        block.u16(LINKTYPE_ETHERNET);
        block.u16(0); // reserved
        block.u32(SNAPLEN_UNLIMITED);
        block.option(IF_NAME, interface.name.as_bytes())?;
        block.option(IF_DESCRIPTION, interface.description.as_bytes())?;
        block.option(IF_TSRESOL, &[TSRESOL_NANOSECONDS])?;
        block.end_of_options();
        block.finish(out)?;
    }

    for frame in frames {
        let captured = u32::try_from(frame.data.len()).map_err(|_| invalid("frame over 4 GiB"))?;
        block.begin(EPB);
        block.u32(frame.interface);
        block.timestamp(nanoseconds(frame.timestamp)?);
        block.u32(captured);
        block.u32(frame.original_len.max(captured));
        block.padded(frame.data);
        let flags = match frame.direction {
            Direction::In => EPB_FLAGS_INBOUND,
            Direction::Out => EPB_FLAGS_OUTBOUND,
        };
        block.option(EPB_FLAGS, &flags.to_le_bytes())?;
        block.end_of_options();
        block.finish(out)?;
    }

    for (id, interface) in (0u32..).zip(interfaces) {
        block.begin(ISB);
        block.u32(id);
        block.timestamp(last);
        block.option(ISB_IFDROP, &interface.dropped.to_le_bytes())?;
        block.end_of_options();
        block.finish(out)?;
    }
    Ok(())
}

/// Checks what the file format cannot hold, so that nothing is written
/// for a call that fails on its input.
fn check_frame(index: usize, frame: &Frame<'_>, interfaces: usize) -> io::Result<()> {
    if frame.interface as usize >= interfaces {
        return Err(invalid(&format!(
            "frame {index}: interface {} of {interfaces}",
            frame.interface
        )));
    }
    if u32::try_from(frame.data.len()).is_err() {
        return Err(invalid(&format!("frame {index}: over 4 GiB")));
    }
    nanoseconds(frame.timestamp)
        .map(drop)
        .map_err(|e| invalid(&format!("frame {index}: {e}")))
}

/// `time` in nanoseconds since the Unix epoch.
fn nanoseconds(time: SystemTime) -> io::Result<u64> {
    let since_epoch = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| invalid("timestamp before the Unix epoch"))?;
    u64::try_from(since_epoch.as_nanos()).map_err(|_| invalid("timestamp after the year 2554"))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("pcapng: {message}"))
}

/// A block being built; its buffer is reused from block to block.
#[derive(Default)]
struct Block {
    buf: Vec<u8>,
}

impl Block {
    /// Starts a block of `block_type`, its total length to be filled in.
    fn begin(&mut self, block_type: u32) {
        self.buf.clear();
        self.u32(block_type);
        self.u32(0);
    }

    fn u16(&mut self, value: u16) {
        self.buf.extend_from_slice(&value.to_le_bytes());
    }

    fn u32(&mut self, value: u32) {
        self.buf.extend_from_slice(&value.to_le_bytes());
    }

    fn u64(&mut self, value: u64) {
        self.buf.extend_from_slice(&value.to_le_bytes());
    }

    /// A timestamp: the high 32 bits, then the low 32 bits.
    fn timestamp(&mut self, value: u64) {
        self.u32((value >> 32) as u32);
        self.u32(value as u32);
    }

    /// `bytes`, then zeros up to a multiple of 32 bits.
    fn padded(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.buf.resize(self.buf.len() + pad4(bytes.len()), 0);
    }

    /// An option: code, length, value padded to 32 bits.
    fn option(&mut self, code: u16, value: &[u8]) -> io::Result<()> {
        let len = u16::try_from(value.len())
            .map_err(|_| invalid(&format!("option {code} over 65,535 bytes")))?;
        self.u16(code);
        self.u16(len);
        self.padded(value);
        Ok(())
    }

    /// `opt_endofopt`: the end of a non-empty option list.
    fn end_of_options(&mut self) {
        self.u16(OPT_ENDOFOPT);
        self.u16(0);
    }

    /// Fills in the total length at both ends and writes the block.
    fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        let total = u32::try_from(self.buf.len() + 4).map_err(|_| invalid("block over 4 GiB"))?;
        self.buf[4..8].copy_from_slice(&total.to_le_bytes());
        self.u32(total);
        out.write_all(&self.buf)
    }
}

/// The zeros that pad `len` bytes to a multiple of 32 bits.
fn pad4(len: usize) -> usize {
    (4 - len % 4) % 4
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// 2024-01-02T03:04:05.123456789Z.
    fn time() -> SystemTime {
        UNIX_EPOCH + Duration::new(1_704_164_645, 123_456_789)
    }

    fn interface(name: &str, description: &str, dropped: u64) -> Interface {
        Interface {
            name: name.into(),
            description: description.into(),
            dropped,
        }
    }

    mod write_should {
        use super::*;

        #[test]
        fn write_a_section_an_interface_and_a_frame() {
            let interfaces = [interface("r1:eth1", "interface eth1 of node r1", 0)];
            let data = [0xaa, 0xbb, 0xcc, 0xdd, 0xee];
            let frames = [Frame {
                interface: 0,
                timestamp: time(),
                data: &data,
                original_len: 60,
                direction: Direction::Out,
            }];
            let mut out = Vec::new();
            write(&mut out, &interfaces, &frames, Some("1 dropped")).unwrap();
            #[rustfmt::skip]
            let expected: Vec<u8> = vec![
                // Section Header Block
                0x0a, 0x0d, 0x0d, 0x0a, // block type SHB
                0x40, 0x00, 0x00, 0x00, // block total length 64
                0x4d, 0x3c, 0x2b, 0x1a, // byte-order magic: little-endian
                0x01, 0x00,             // major version 1
                0x00, 0x00,             // minor version 0
                0xff, 0xff, 0xff, 0xff, // section length -1: not given
                0xff, 0xff, 0xff, 0xff,
                0x01, 0x00, 0x09, 0x00, // opt_comment, length 9
                b'1', b' ', b'd', b'r', // "1 dropped"
                b'o', b'p', b'p', b'e',
                b'd', 0x00, 0x00, 0x00, // padded to 32 bits
                0x04, 0x00, 0x0a, 0x00, // shb_userappl, length 10
                b'n', b'e', b't', b'n', // "netns-test"
                b's', b'-', b't', b'e',
                b's', b't', 0x00, 0x00, // padded
                0x00, 0x00, 0x00, 0x00, // opt_endofopt
                0x40, 0x00, 0x00, 0x00, // block total length 64
                // Interface Description Block
                0x01, 0x00, 0x00, 0x00, // block type IDB
                0x4c, 0x00, 0x00, 0x00, // block total length 76
                0x01, 0x00,             // LINKTYPE_ETHERNET
                0x00, 0x00,             // reserved
                0x00, 0x00, 0x00, 0x00, // snap length 0: no limit
                0x02, 0x00, 0x07, 0x00, // if_name, length 7
                b'r', b'1', b':', b'e', // "r1:eth1"
                b't', b'h', b'1', 0x00, // padded
                0x03, 0x00, 0x19, 0x00, // if_description, length 25
                b'i', b'n', b't', b'e', // "interface eth1 of node r1"
                b'r', b'f', b'a', b'c',
                b'e', b' ', b'e', b't',
                b'h', b'1', b' ', b'o',
                b'f', b' ', b'n', b'o',
                b'd', b'e', b' ', b'r',
                b'1', 0x00, 0x00, 0x00, // padded
                0x09, 0x00, 0x01, 0x00, // if_tsresol, length 1
                0x09, 0x00, 0x00, 0x00, // 9: nanoseconds, padded
                0x00, 0x00, 0x00, 0x00, // opt_endofopt
                0x4c, 0x00, 0x00, 0x00, // block total length 76
                // Enhanced Packet Block
                0x06, 0x00, 0x00, 0x00, // block type EPB
                0x34, 0x00, 0x00, 0x00, // block total length 52
                0x00, 0x00, 0x00, 0x00, // interface 0
                0xb7, 0x68, 0xa6, 0x17, // timestamp high: 1704164645123456789 ns
                0x15, 0xff, 0x5c, 0x37, // timestamp low    = 0x17a668b7_375cff15
                0x05, 0x00, 0x00, 0x00, // captured length 5
                0x3c, 0x00, 0x00, 0x00, // original length 60
                0xaa, 0xbb, 0xcc, 0xdd, // packet data
                0xee, 0x00, 0x00, 0x00, // padded
                0x02, 0x00, 0x04, 0x00, // epb_flags, length 4
                0x02, 0x00, 0x00, 0x00, // direction 10: outbound
                0x00, 0x00, 0x00, 0x00, // opt_endofopt
                0x34, 0x00, 0x00, 0x00, // block total length 52
                // Interface Statistics Block
                0x05, 0x00, 0x00, 0x00, // block type ISB
                0x28, 0x00, 0x00, 0x00, // block total length 40
                0x00, 0x00, 0x00, 0x00, // interface 0
                0xb7, 0x68, 0xa6, 0x17, // timestamp high: the last frame's
                0x15, 0xff, 0x5c, 0x37, // timestamp low
                0x05, 0x00, 0x08, 0x00, // isb_ifdrop, length 8
                0x00, 0x00, 0x00, 0x00, // 0 dropped
                0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, // opt_endofopt
                0x28, 0x00, 0x00, 0x00, // block total length 40
            ];
            assert_eq!(out, expected);
        }

        #[test]
        fn leave_out_the_comment_when_there_is_none() {
            let mut out = Vec::new();
            write(&mut out, &[], &[], None).unwrap();
            #[rustfmt::skip]
            let expected: Vec<u8> = vec![
                0x0a, 0x0d, 0x0d, 0x0a, // block type SHB
                0x30, 0x00, 0x00, 0x00, // block total length 48
                0x4d, 0x3c, 0x2b, 0x1a, // byte-order magic
                0x01, 0x00, 0x00, 0x00, // version 1.0
                0xff, 0xff, 0xff, 0xff, // section length -1
                0xff, 0xff, 0xff, 0xff,
                0x04, 0x00, 0x0a, 0x00, // shb_userappl, length 10
                b'n', b'e', b't', b'n', // "netns-test"
                b's', b'-', b't', b'e',
                b's', b't', 0x00, 0x00, // padded
                0x00, 0x00, 0x00, 0x00, // opt_endofopt
                0x30, 0x00, 0x00, 0x00, // block total length 48
            ];
            assert_eq!(out, expected);
        }

        #[test]
        fn pad_data_of_every_length_to_32_bits() {
            let interfaces = [interface("a:eth0", "", 0)];
            for len in 0..=8 {
                let data = vec![0xff; len];
                let frames = [Frame {
                    interface: 0,
                    timestamp: time(),
                    data: &data,
                    original_len: 0,
                    direction: Direction::In,
                }];
                let mut out = Vec::new();
                write(&mut out, &interfaces, &frames, None).unwrap();
                assert_eq!(out.len() % 4, 0);
                let file = read::file(&out).unwrap();
                assert_eq!(file.frames[0].data, data);
                // An original length below the captured one is raised to it.
                assert_eq!(file.frames[0].original_len, len as u32);
            }
        }

        #[test]
        fn refuse_what_the_format_cannot_hold_before_writing() {
            let interfaces = [interface("a:eth0", "", 0)];
            let frame = |interface, timestamp| Frame {
                interface,
                timestamp,
                data: &[],
                original_len: 0,
                direction: Direction::In,
            };
            let bad = [
                frame(1, time()),
                frame(0, UNIX_EPOCH - Duration::from_secs(1)),
            ];
            for bad in bad {
                let mut out = Vec::new();
                let error = write(&mut out, &interfaces, &[bad], None).unwrap_err();
                assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
                assert!(
                    error.to_string().starts_with("pcapng: frame 0: "),
                    "{error}"
                );
                assert!(out.is_empty());
            }
            let long = "x".repeat(65_536);
            let error = write(&mut Vec::new(), &[], &[], Some(&long)).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        }

        #[test]
        fn round_trip_through_a_reader() {
            let interfaces = [
                interface("r1:eth1", "interface eth1 of node r1", 0),
                interface("host:br0", "interface br0 of node host", 312),
            ];
            let frames = [
                Frame {
                    interface: 1,
                    timestamp: time(),
                    data: &[1, 2, 3],
                    original_len: 1514,
                    direction: Direction::In,
                },
                Frame {
                    interface: 0,
                    timestamp: time() + Duration::from_nanos(1),
                    data: &[4; 60],
                    original_len: 60,
                    direction: Direction::Out,
                },
                Frame {
                    interface: 1,
                    timestamp: time() - Duration::from_secs(3),
                    data: &[],
                    original_len: 42,
                    direction: Direction::Out,
                },
            ];
            let comment = "312 frames dropped: over the capture's bound";
            let mut out = Vec::new();
            write(&mut out, &interfaces, &frames, Some(comment)).unwrap();

            let file = read::file(&out).unwrap();
            assert_eq!(file.comment.as_deref(), Some(comment));
            assert_eq!(file.user_application.as_deref(), Some("netns-test"));
            let names: Vec<_> = file
                .interfaces
                .iter()
                .map(|i| (i.name.as_str(), i.description.as_str(), i.tsresol))
                .collect();
            assert_eq!(
                names,
                [
                    ("r1:eth1", "interface eth1 of node r1", Some(9)),
                    ("host:br0", "interface br0 of node host", Some(9)),
                ]
            );
            assert!(file.interfaces.iter().all(|i| i.linktype == 1));
            assert_eq!(file.frames.len(), frames.len());
            for (read, written) in file.frames.iter().zip(&frames) {
                assert_eq!(read.interface, written.interface);
                let ns = written.timestamp.duration_since(UNIX_EPOCH).unwrap();
                assert_eq!(u128::from(read.timestamp), ns.as_nanos());
                assert_eq!(read.data, written.data);
                assert_eq!(read.original_len, written.original_len);
                let direction = match written.direction {
                    Direction::In => 0b01,
                    Direction::Out => 0b10,
                };
                assert_eq!(read.flags, Some(direction));
            }
            assert_eq!(file.drops, [(0, Some(0)), (1, Some(312))]);
        }
    }

    /// A small pcapng reader, for these tests only: it walks the blocks,
    /// checks their lengths and padding, and keeps what `write` puts in.
    mod read {
        /// The parts of a file the tests look at.
        #[derive(Debug, Default)]
        pub(super) struct File {
            pub(super) comment: Option<String>,
            pub(super) user_application: Option<String>,
            pub(super) interfaces: Vec<Interface>,
            pub(super) frames: Vec<Frame>,
            /// Per ISB: interface ID and `isb_ifdrop`.
            pub(super) drops: Vec<(u32, Option<u64>)>,
        }

        #[derive(Debug, Default)]
        pub(super) struct Interface {
            pub(super) linktype: u16,
            pub(super) name: String,
            pub(super) description: String,
            pub(super) tsresol: Option<u8>,
        }

        #[derive(Debug)]
        pub(super) struct Frame {
            pub(super) interface: u32,
            /// In units of the interface's `if_tsresol`.
            pub(super) timestamp: u64,
            pub(super) data: Vec<u8>,
            pub(super) original_len: u32,
            pub(super) flags: Option<u32>,
        }

        fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
            b.get(at..at + 2)
                .map(|s| u16::from_le_bytes([s[0], s[1]]))
                .ok_or_else(|| format!("no u16 at {at}"))
        }

        fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
            b.get(at..at + 4)
                .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
                .ok_or_else(|| format!("no u32 at {at}"))
        }

        fn u64_at(b: &[u8], at: usize) -> Result<u64, String> {
            Ok(u64::from(u32_at(b, at)?) | u64::from(u32_at(b, at + 4)?) << 32)
        }

        fn timestamp_at(b: &[u8], at: usize) -> Result<u64, String> {
            Ok(u64::from(u32_at(b, at)?) << 32 | u64::from(u32_at(b, at + 4)?))
        }

        /// The options from `at` to the end of `body`: (code, value). The
        /// list must end with `opt_endofopt`, and padding must be zeros.
        fn options(body: &[u8], mut at: usize) -> Result<Vec<(u16, Vec<u8>)>, String> {
            let mut options = Vec::new();
            loop {
                let code = u16_at(body, at)?;
                let len = usize::from(u16_at(body, at + 2)?);
                at += 4;
                if code == 0 {
                    if len != 0 || at != body.len() {
                        return Err(format!("opt_endofopt of length {len}, at {at}"));
                    }
                    return Ok(options);
                }
                let padded = len.next_multiple_of(4);
                let value = body
                    .get(at..at + padded)
                    .ok_or_else(|| format!("option {code} cut"))?;
                if value[len..].iter().any(|&b| b != 0) {
                    return Err(format!("option {code}: padding not zeros"));
                }
                options.push((code, value[..len].to_vec()));
                at += padded;
            }
        }

        fn string(value: &[u8]) -> Result<String, String> {
            String::from_utf8(value.to_vec()).map_err(|e| e.to_string())
        }

        pub(super) fn file(bytes: &[u8]) -> Result<File, String> {
            let mut file = File::default();
            let mut at = 0;
            while at < bytes.len() {
                let block_type = u32_at(bytes, at)?;
                let total = u32_at(bytes, at + 4)? as usize;
                if total & 3 != 0 || total < 12 {
                    return Err(format!("block at {at}: length {total}"));
                }
                let block = bytes
                    .get(at..at + total)
                    .ok_or_else(|| format!("block at {at} cut"))?;
                if u32_at(block, total - 4)? as usize != total {
                    return Err(format!("block at {at}: trailing length differs"));
                }
                // The body, between the lengths.
                let body = &block[8..total - 4];
                if at == 0 && block_type != super::SHB {
                    return Err("no section header first".into());
                }
                match block_type {
                    super::SHB => {
                        if u32_at(body, 0)? != super::BYTE_ORDER_MAGIC {
                            return Err("not little-endian".into());
                        }
                        if (u16_at(body, 4)?, u16_at(body, 6)?) != (1, 0) {
                            return Err("not version 1.0".into());
                        }
                        for (code, value) in options(body, 16)? {
                            match code {
                                1 => file.comment = Some(string(&value)?),
                                4 => file.user_application = Some(string(&value)?),
                                _ => {}
                            }
                        }
                    }
                    super::IDB => {
                        let mut interface = Interface {
                            linktype: u16_at(body, 0)?,
                            ..Interface::default()
                        };
                        for (code, value) in options(body, 8)? {
                            match code {
                                2 => interface.name = string(&value)?,
                                3 => interface.description = string(&value)?,
                                9 => interface.tsresol = value.first().copied(),
                                _ => {}
                            }
                        }
                        file.interfaces.push(interface);
                    }
                    super::EPB => {
                        let interface = u32_at(body, 0)?;
                        if interface as usize >= file.interfaces.len() {
                            return Err(format!("EPB of unknown interface {interface}"));
                        }
                        let captured = u32_at(body, 12)? as usize;
                        let padded = captured.next_multiple_of(4);
                        let data = body.get(20..20 + captured).ok_or("EPB data cut")?.to_vec();
                        let mut flags = None;
                        for (code, value) in options(body, 20 + padded)? {
                            if code == 2 {
                                flags = Some(u32_at(&value, 0)?);
                            }
                        }
                        file.frames.push(Frame {
                            interface,
                            timestamp: timestamp_at(body, 4)?,
                            data,
                            original_len: u32_at(body, 16)?,
                            flags,
                        });
                    }
                    super::ISB => {
                        let mut drop = None;
                        for (code, value) in options(body, 12)? {
                            if code == 5 {
                                drop = Some(u64_at(&value, 0)?);
                            }
                        }
                        file.drops.push((u32_at(body, 0)?, drop));
                    }
                    other => return Err(format!("unexpected block type {other:#x}")),
                }
                at += total;
            }
            Ok(file)
        }
    }
}
