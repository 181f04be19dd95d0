//! `es-emulator run` stopped by a signal stops its server and removes its data folder.
//! Needs the emulators (installed from PyPI on first use, as every emulator test does).

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn stopped_by(sig: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_es-emulator"))
        .args(["run", "osmem-server"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let mut note = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut note)
        .unwrap();
    let url = url.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?} / {note}");
    let addr = url.trim_start_matches("http://").to_string();
    let dir = PathBuf::from(
        note.split("(data in ")
            .nth(1)
            .and_then(|r| r.split(')').next())
            .unwrap(),
    );
    assert!(dir.exists(), "{dir:?}");
    assert!(TcpStream::connect(&addr).is_ok(), "the server answers");

    let status = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "es-emulator did not stop on {sig}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{sig}: {exit}");
    assert!(!dir.exists(), "{sig}: data folder {dir:?} left behind");
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(&addr).is_ok() {
        assert!(
            Instant::now() < deadline,
            "{sig}: the server at {addr} is still running"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_stops_the_server_and_removes_its_data() {
    stopped_by("-TERM");
}

#[test]
fn ctrl_c_stops_the_server_and_removes_its_data() {
    stopped_by("-INT");
}
