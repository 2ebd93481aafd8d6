//! What the child tells the parent about the test, over a pipe of its own.
//!
//! The parent trusts only this channel: a child that exits 0 without having
//! said `Passed` has not run the test, and the test fails.
//!
//! Frames are `tag: u8, len: u32 (little endian), payload: len bytes`.

use std::io::{self, Write};

/// One message from the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    /// The network is ready and the body is about to run.
    Started,
    /// The body returned normally (and `Ok` for `Result` tests).
    Passed,
    /// The body panicked with this message.
    Panicked(String),
    /// The body returned `Err`; the `Debug` text.
    Returned(String),
    /// Building the network failed before the body ran.
    SetupFailed(String),
    /// The kernel lacks what the topology needs (nf_tables NAT for `nat`
    /// and `forward`): the cause and its fix. The test fails, or is
    /// skipped under `NETNS_TEST_UNSUPPORTED=skip`.
    Unsupported(String),
    /// The test ran longer than its timeout, in milliseconds.
    TimedOut(u64),
    /// The state of the network at the moment of failure.
    NetworkState(String),
    /// Descriptors the child hands over to be closed later (they came as
    /// `SCM_RIGHTS` with this frame). Says nothing about the test.
    HandOff,
    /// A process other than the one that started the body (this pid, in
    /// the sandbox) tried to report an outcome: a process the body forked
    /// returned from it.
    Foreign(u32),
    /// The test failed and its sandbox waits, enterable, for the parent to
    /// end it (`NETNS_TEST_PAUSE=failure`): the namespaces' names, host
    /// first. Says nothing about the test.
    Paused(Vec<String>),
    /// The sandbox could not be kept for `netns-test enter`: why. The child
    /// goes on to exit as usual.
    PauseFailed(String),
}

const STARTED: u8 = 1;
const PASSED: u8 = 2;
const PANICKED: u8 = 3;
const RETURNED: u8 = 4;
const SETUP_FAILED: u8 = 5;
const TIMED_OUT: u8 = 6;
const NETWORK_STATE: u8 = 7;
const FOREIGN: u8 = 8;
const UNSUPPORTED: u8 = 9;
const HAND_OFF: u8 = 10;
const PAUSED: u8 = 11;
const PAUSE_FAILED: u8 = 12;

impl Message {
    /// The frame for this message.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let (tag, payload): (u8, &[u8]) = match self {
            Message::Started => (STARTED, &[]),
            Message::Passed => (PASSED, &[]),
            Message::Panicked(s) => (PANICKED, s.as_bytes()),
            Message::Returned(s) => (RETURNED, s.as_bytes()),
            Message::SetupFailed(s) => (SETUP_FAILED, s.as_bytes()),
            Message::Unsupported(s) => (UNSUPPORTED, s.as_bytes()),
            Message::TimedOut(ms) => {
                return frame(TIMED_OUT, &ms.to_le_bytes());
            }
            Message::NetworkState(s) => (NETWORK_STATE, s.as_bytes()),
            Message::Foreign(pid) => return frame(FOREIGN, &pid.to_le_bytes()),
            Message::HandOff => (HAND_OFF, &[]),
            Message::Paused(names) => return frame(PAUSED, names.join(" ").as_bytes()),
            Message::PauseFailed(s) => (PAUSE_FAILED, s.as_bytes()),
        };
        frame(tag, payload)
    }

    /// Writes the frame in one `write` so that frames from two threads never
    /// interleave (pipe writes up to PIPE_BUF are atomic; longer ones are
    /// only written by the thread that owns the outcome).
    pub(crate) fn send(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.encode())?;
        out.flush()
    }
}

fn frame(tag: u8, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut v = Vec::with_capacity(5 + payload.len());
    v.push(tag);
    v.extend_from_slice(&len.to_le_bytes());
    v.extend_from_slice(&payload[..payload.len().min(len as usize)]);
    v
}

/// Splits everything the child wrote into messages. A truncated last frame
/// (the child died mid-write) is dropped; an unknown tag ends decoding.
pub(crate) fn decode(mut bytes: &[u8]) -> Vec<Message> {
    let mut out = Vec::new();
    while bytes.len() >= 5 {
        let tag = bytes[0];
        let len = u32::from_le_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]) as usize;
        let Some(payload) = bytes.get(5..5 + len) else {
            break;
        };
        let text = || String::from_utf8_lossy(payload).into_owned();
        out.push(match tag {
            STARTED => Message::Started,
            PASSED => Message::Passed,
            PANICKED => Message::Panicked(text()),
            RETURNED => Message::Returned(text()),
            SETUP_FAILED => Message::SetupFailed(text()),
            UNSUPPORTED => Message::Unsupported(text()),
            HAND_OFF => Message::HandOff,
            PAUSED => Message::Paused(text().split_whitespace().map(str::to_string).collect()),
            PAUSE_FAILED => Message::PauseFailed(text()),
            TIMED_OUT => {
                let mut ms = [0u8; 8];
                if payload.len() == 8 {
                    ms.copy_from_slice(payload);
                }
                Message::TimedOut(u64::from_le_bytes(ms))
            }
            NETWORK_STATE => Message::NetworkState(text()),
            FOREIGN => {
                let mut pid = [0u8; 4];
                if payload.len() == 4 {
                    pid.copy_from_slice(payload);
                }
                Message::Foreign(u32::from_le_bytes(pid))
            }
            _ => break,
        });
        bytes = &bytes[5 + len..];
    }
    out
}

#[cfg(test)]
mod outcome_should {
    use super::*;

    #[test]
    fn round_trip_every_message() {
        let all = vec![
            Message::Started,
            Message::Passed,
            Message::Panicked("boom".into()),
            Message::Returned("Error: Oops".into()),
            Message::SetupFailed("create veth: EEXIST".into()),
            Message::TimedOut(1500),
            Message::NetworkState("ns1:\n  lo UP".into()),
            Message::Foreign(7),
            Message::Unsupported("CONFIG_NFT_MASQ is not set".into()),
            Message::HandOff,
            Message::Paused(vec!["host".into(), "ns1".into()]),
            Message::PauseFailed("/run is the machine's".into()),
        ];
        let bytes: Vec<u8> = all.iter().flat_map(Message::encode).collect();
        assert_eq!(decode(&bytes), all);
    }

    #[test]
    fn frame_a_panic_as_tag_length_payload() {
        assert_eq!(
            Message::Panicked("hi".into()).encode(),
            vec![
                3, // tag: Panicked
                2, 0, 0, 0, // length: 2, little endian
                b'h', b'i', // payload
            ]
        );
    }

    #[test]
    fn drop_a_truncated_last_frame() {
        let mut bytes = Message::Started.encode();
        bytes.extend_from_slice(&Message::Panicked("cut short".into()).encode()[..8]);
        assert_eq!(decode(&bytes), vec![Message::Started]);
    }
}
