//! `es-emulator install` installs the emulators into the project virtualenv;
//! `es-emulator run noida-db|osmem-server` starts one and prints its URL until killed.

use es_testkit::{Emulator, EmulatorKind};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("install") => {
            Emulator::ensure_installed().map(|v| println!("emulators installed in {}", v.display()))
        }
        Some("run") => {
            let kind = match args.get(1).map(String::as_str) {
                Some("noida-db") => EmulatorKind::NoidaDb,
                Some("osmem-server") => EmulatorKind::Osmem,
                other => {
                    eprintln!("unknown emulator {other:?}: use noida-db or osmem-server");
                    std::process::exit(2);
                }
            };
            Emulator::start(kind).map(|e| {
                println!("{}", e.url());
                loop {
                    std::thread::park();
                }
            })
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
