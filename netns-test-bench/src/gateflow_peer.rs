//! gateflow 0.1.2 as a peer: its single sandbox with an empty body (our
//! "bare"), and its paired sandbox (two namespaces on a veth) with the TCP
//! body of "tcp pair". gateflow forks the calling process, so it runs in the
//! single-threaded worker like the floor.

use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use gateflow::veth::VethEnd;
use gateflow::Sandbox;

const PORT: u16 = 7000;

/// `Sandbox::new().enter(|| 0)`.
pub(crate) fn single() -> Result<(), String> {
    match Sandbox::new().enter(|| 0) {
        Ok(0) => Ok(()),
        Ok(code) => Err(explain(code)),
        Err(e) => Err(format!("gateflow: {e}")),
    }
}

/// `Sandbox::paired().enter(a, b)`: b listens on its end, a connects (it
/// retries while b is not listening yet: the two bodies start at the same
/// time), one byte each way.
pub(crate) fn paired() -> Result<(), String> {
    let a = |end: VethEnd| {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match TcpStream::connect((end.peer_address, PORT)) {
                Ok(mut client) => {
                    let mut byte = [0u8; 1];
                    return match std::io::Write::write_all(&mut client, b"?")
                        .and_then(|()| std::io::Read::read_exact(&mut client, &mut byte))
                    {
                        Ok(()) if &byte == b"!" => 0,
                        _ => 2,
                    };
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::ConnectionRefused
                        && Instant::now() < deadline =>
                {
                    std::thread::yield_now();
                }
                Err(_) => return 3,
            }
        }
    };
    let b = |end: VethEnd| {
        let Ok(listener) = TcpListener::bind((end.address, PORT)) else {
            return 4;
        };
        let Ok((mut server, _)) = listener.accept() else {
            return 5;
        };
        let mut byte = [0u8; 1];
        match std::io::Read::read_exact(&mut server, &mut byte)
            .and_then(|()| std::io::Write::write_all(&mut server, b"!"))
        {
            Ok(()) => 0,
            Err(_) => 6,
        }
    };
    match Sandbox::paired().enter(a, b) {
        Ok((0, 0)) => Ok(()),
        Ok((a, b)) => Err(format!("side a: {}; side b: {}", explain(a), explain(b))),
        Err(e) => Err(format!("gateflow: {e}")),
    }
}

/// gateflow's sentinel exit codes (its docs) and ours, in words.
fn explain(code: i32) -> String {
    let what = match code {
        0 => "ok",
        111 | 121 => "entering a user + network namespace failed (user namespaces disabled?)",
        131 => "entering the second network namespace failed",
        113 => "bringing lo up failed",
        124 | 134 => "configuring the veth pair failed",
        122 | 123 | 125..=128 | 132 | 133 | 135 => "gateflow's pair handshake failed",
        2 | 6 => "the byte exchange failed",
        3 => "connect failed",
        4 => "bind failed",
        5 => "accept failed",
        _ => "unexpected exit code",
    };
    format!("exit code {code} ({what})")
}
