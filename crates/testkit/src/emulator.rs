//! Real Elasticsearch-compatible servers for integration tests, installed from PyPI into a
//! project-local virtualenv and started on free loopback ports.
//!
//! * `noida-db==0.2.3`: Elasticsearch 8.15 API.
//! * `osmem-server==0.1.6`: OpenSearch 3.8 API.
//!
//! The virtualenv is `$ES_EMULATOR_VENV`, else `.venv-emulators` at the workspace root.
//! Installation happens once, under a file lock, so parallel tests can all ask for it.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::TestkitError;

/// The PyPI packages installed, pinned.
pub const PACKAGES: [&str; 2] = ["noida-db==0.2.3", "osmem-server==0.1.6"];

/// Which emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmulatorKind {
    /// `noida-db` (Elasticsearch 8.15 API).
    NoidaDb,
    /// `osmem-server` (OpenSearch 3.8 API).
    Osmem,
}

impl EmulatorKind {
    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            EmulatorKind::NoidaDb => "noida-db",
            EmulatorKind::Osmem => "osmem-server",
        }
    }
}

/// A running emulator; stopped (process group killed, data removed) on drop.
///
/// ```no_run
/// use es_testkit::{Emulator, EmulatorKind};
/// let es = Emulator::start(EmulatorKind::NoidaDb).unwrap();
/// println!("Elasticsearch 8 API at {}", es.url());
/// ```
#[derive(Debug)]
pub struct Emulator {
    kind: EmulatorKind,
    url: String,
    child: Child,
    dir: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Emulator {
    /// The virtualenv directory.
    pub fn venv_dir() -> PathBuf {
        match std::env::var_os("ES_EMULATOR_VENV") {
            Some(p) => PathBuf::from(p),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-emulators"),
        }
    }

    /// Installs both emulators into the virtualenv if they are not there yet.
    pub fn ensure_installed() -> Result<PathBuf, TestkitError> {
        let venv = Self::venv_dir();
        let marker = venv.join(".es-testkit-installed");
        let wanted = PACKAGES.join(" ");
        if std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == wanted) {
            return Ok(venv);
        }
        if let Some(parent) = venv.parent() {
            std::fs::create_dir_all(parent).map_err(TestkitError::io("create venv parent"))?;
        }
        let lock_path = venv.with_extension("lock");
        let lock =
            std::fs::File::create(&lock_path).map_err(TestkitError::io("create install lock"))?;
        lock.lock().map_err(TestkitError::io("take install lock"))?;
        if std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == wanted) {
            return Ok(venv);
        }
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run(
            Command::new(&python).arg("-m").arg("venv").arg(&venv),
            "python3 -m venv",
        )?;
        let pip = venv.join("bin/pip");
        run(
            Command::new(&pip)
                .args(["install", "--disable-pip-version-check", "--quiet"])
                .args(PACKAGES),
            "pip install",
        )?;
        std::fs::write(&marker, wanted).map_err(TestkitError::io("write install marker"))?;
        Ok(venv)
    }

    /// Installs if needed, then starts `kind` on a free port and waits until `GET /` answers.
    pub fn start(kind: EmulatorKind) -> Result<Emulator, TestkitError> {
        let venv = Self::ensure_installed()?;
        let site = site_packages(&venv)?;
        let port = free_port()?;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "es-emulator-{}-{}-{n}",
            kind.name(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(TestkitError::io("create emulator dir"))?;
        let log = std::fs::File::create(dir.join("server.log"))
            .map_err(TestkitError::io("create log"))?;
        let log2 = log.try_clone().map_err(TestkitError::io("clone log"))?;
        let mut cmd = match kind {
            EmulatorKind::NoidaDb => {
                let mut c = Command::new(site.join("noida_db/noida-db"));
                c.arg("start")
                    .args(["--only", "elasticsearch"])
                    .arg("--data-dir")
                    .arg(dir.join("data"))
                    .args(["--elasticsearch-port", &port.to_string()]);
                c
            }
            EmulatorKind::Osmem => {
                let mut c = Command::new(site.join("osmem_server/bin/osmem-server"));
                c.args(["-addr", &format!("127.0.0.1:{port}"), "-no-stdin-watch"]);
                c
            }
        };
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log2))
            .spawn()
            .map_err(|e| TestkitError::Start {
                kind: kind.name(),
                message: format!("spawn failed: {e}"),
            })?;
        let mut emu = Emulator {
            kind,
            url: format!("http://127.0.0.1:{port}"),
            child,
            dir,
        };
        emu.wait_ready(port, Duration::from_secs(60))?;
        Ok(emu)
    }

    fn wait_ready(&mut self, port: u16, within: Duration) -> Result<(), TestkitError> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(TestkitError::Start {
                    kind: self.kind.name(),
                    message: format!("exited with {status}; log: {}", self.log_tail()),
                });
            }
            if root_answers(port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(TestkitError::Start {
            kind: self.kind.name(),
            message: format!(
                "no answer on port {port} within {within:?}; log: {}",
                self.log_tail()
            ),
        })
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let start = log.len().saturating_sub(800);
        log.get(start..).unwrap_or("").to_string()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Which emulator this is.
    pub fn kind(&self) -> EmulatorKind {
        self.kind
    }

    /// The folder with the server's data and log (removed when the emulator is dropped).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server's exit status, if it has exited on its own.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<(), TestkitError> {
    let out = cmd
        .output()
        .map_err(|e| TestkitError::Install(format!("{what}: cannot run: {e}")))?;
    if !out.status.success() {
        return Err(TestkitError::Install(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

fn site_packages(venv: &Path) -> Result<PathBuf, TestkitError> {
    let lib = venv.join("lib");
    let entries = std::fs::read_dir(&lib).map_err(TestkitError::io("read venv lib"))?;
    for e in entries.flatten() {
        let p = e.path().join("site-packages");
        if p.join("noida_db").exists() {
            return Ok(p);
        }
    }
    Err(TestkitError::Install(format!(
        "no site-packages with noida_db under {}",
        lib.display()
    )))
}

fn free_port() -> Result<u16, TestkitError> {
    let l =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(TestkitError::io("find free port"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(TestkitError::io("find free port"))
}

fn root_answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && buf[..12].ends_with(b"200"))
}
