//! `es-emulator install` installs the emulators into the project virtualenv;
//! `es-emulator run noida-db|osmem-server` starts one, prints its URL, and runs until Ctrl-C,
//! `kill` (SIGTERM) or a hang-up: then it stops the server's whole process group and removes
//! its data folder. (SIGKILL cannot be caught: the server is left running then.)

use std::time::Duration;

use es_testkit::{Emulator, EmulatorKind};
use tokio::signal::unix::{signal, SignalKind};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("install") => Emulator::ensure_installed()
            .map(|v| println!("emulators installed in {}", v.display()))
            .map_err(|e| e.to_string()),
        Some("run") => {
            let kind = match args.get(1).map(String::as_str) {
                Some("noida-db") => EmulatorKind::NoidaDb,
                Some("osmem-server") => EmulatorKind::Osmem,
                other => {
                    eprintln!("unknown emulator {other:?}: use noida-db or osmem-server");
                    std::process::exit(2);
                }
            };
            run(kind)
        }
        _ => {
            eprintln!("usage: es-emulator install | es-emulator run noida-db|osmem-server");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("es-emulator: {e}");
        std::process::exit(1);
    }
}

/// Runs the emulator until a signal (or until the server exits by itself).
fn run(kind: EmulatorKind) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    // Signal handlers first: a signal during the start still stops the server.
    let (mut term, mut hup, mut int) = rt
        .block_on(async {
            Ok::<_, std::io::Error>((
                signal(SignalKind::terminate())?,
                signal(SignalKind::hangup())?,
                signal(SignalKind::interrupt())?,
            ))
        })
        .map_err(|e| format!("cannot handle signals: {e}"))?;
    let mut emu = Emulator::start(kind).map_err(|e| e.to_string())?;
    println!("{}", emu.url());
    eprintln!(
        "es-emulator: {} at {} (data in {}); Ctrl-C stops it",
        kind.name(),
        emu.url(),
        emu.dir().display()
    );
    let exited = rt.block_on(async {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                _ = term.recv() => return None,
                _ = hup.recv() => return None,
                _ = int.recv() => return None,
                _ = tick.tick() => {
                    if let Some(status) = emu.exited() {
                        return Some(status);
                    }
                }
            }
        }
    });
    // Dropping stops the process group and removes the data folder.
    drop(emu);
    match exited {
        Some(status) => Err(format!("{} exited by itself ({status})", kind.name())),
        None => Ok(()),
    }
}
