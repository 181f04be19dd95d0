//! `es`: what people do by hand with Elasticsearch clusters.
//!
//! ```text
//! es profiles [check]                  # the connection profiles (never their secrets)
//! es health --all [--json]             # health of every cluster, concurrently
//! es indices 'logs-*' --sort size      # health, status, docs, size
//! es count logs -q 'level:ERROR'
//! es search logs -q 'level:ERROR' -n 5 [--fields a,b]  # JSON lines, or a table
//! es dump logs --out logs.ndjson --slices 2           # point in time + search_after
//! es bulk logs docs.ndjson --in-flight 2 --failed rejected.ndjson
//! es request GET '/_cat/indices?v'     # cat APIs answer their text table
//! es completions bash > /etc/bash_completion.d/es
//! ```
//!
//! Exit codes: 0 done; 1 the operation failed (a cluster down, documents rejected, a read
//! error, Ctrl-C); 2 bad input (arguments, files, profiles, JSON).
//!
//! Connections come from `--url` / `ELASTICSEARCH_URL` (+ `ELASTIC_API_KEY`) for the default
//! profile, and from the profiles file (`--profiles`, `$ES_PROFILES`, or
//! `~/.config/es-rs/profiles.toml`) for every alias.

/// `println!` that ends the program quietly when stdout is a closed pipe (`es search | head`)
/// instead of panicking.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::write_line(format_args!($($t)*))
    };
}

mod bulk;
mod count;
mod dump;
mod health;
mod indices;
mod profiles;
mod request;
mod search;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command-line tool for Elasticsearch clusters.
#[derive(Parser, Debug)]
#[command(name = "es", version, about)]
struct Cli {
    /// The profile (connection alias) to use.
    #[arg(short = 'p', long, global = true, default_value = "default")]
    profile: String,
    /// Profiles file (TOML, one table per alias).
    #[arg(long, global = true, env = "ES_PROFILES")]
    profiles: Option<PathBuf>,
    /// URL(s) of the default profile, comma-separated (overrides the file's `default`).
    #[arg(long, global = true, env = "ELASTICSEARCH_URL")]
    url: Option<String>,
    /// Machine-readable output: JSON lines instead of tables and sentences.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the connection profiles (hosts and auth kind; never secrets); `check` validates
    /// the file.
    Profiles {
        /// `check`: read the profiles file, name any bad key or value, exit 2 if there is one.
        #[arg(value_parser = ["check"])]
        action: Option<String>,
    },
    /// Cluster health, nodes and version of one profile, several, or all.
    Health {
        /// Profiles to check (default: --profile).
        aliases: Vec<String>,
        /// Check every profile.
        #[arg(long)]
        all: bool,
    },
    /// List indices: health, status, documents, size.
    Indices(indices::Args),
    /// Count the documents matching a query.
    Count(count::Args),
    /// Search an index; hits are printed as JSON lines, or a table of `--fields`.
    Search(search::Args),
    /// Write every matching document as JSON lines (point in time + search_after).
    Dump(dump::Args),
    /// Bulk-load documents (NDJSON, JSON array, CSV, dumped hits) with progress.
    Bulk(bulk::Args),
    /// Send any request and print the answer.
    Request(request::Args),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// A failure with its exit status: 2 for bad input or configuration, 1 for a failed operation.
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad input or configuration.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    /// The operation failed.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<es_client::Error> for Failure {
    fn from(e: es_client::Error) -> Self {
        match e.kind() {
            es_client::ErrorKind::Config => Failure::usage(e.to_string()),
            _ => Failure::failed(e.to_string()),
        }
    }
}

impl From<es_connections::ConnectionError> for Failure {
    fn from(e: es_connections::ConnectionError) -> Self {
        Failure::usage(e.to_string())
    }
}

/// Writes one line to stdout; a closed pipe ends the program with success (the reader has
/// what it wanted), any other write error with status 1.
fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|_| stdout.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("es: cannot write the output: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("es: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("es: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Completions { shell } = cli.command {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        clap_complete::generate(shell, &mut cmd, "es", &mut std::io::stdout());
        return Ok(());
    }
    let profiles = profiles::setup(cli.profiles.as_deref(), cli.url.as_deref())?;
    let json = cli.json;
    match cli.command {
        Command::Completions { .. } => Ok(()),
        Command::Profiles { action: Some(_) } => profiles::check(&profiles, json),
        Command::Profiles { action: None } => profiles::list(&profiles, json),
        Command::Health { aliases, all } => {
            let aliases = if all {
                es_connections::connections().aliases()
            } else if aliases.is_empty() {
                vec![cli.profile]
            } else {
                aliases
            };
            health::run(&aliases, json).await
        }
        Command::Indices(args) => indices::run(&cli.profile, args, json).await,
        Command::Count(args) => count::run(&cli.profile, args, json).await,
        Command::Dump(args) => dump::run(&cli.profile, args).await,
        Command::Search(args) => search::run(&cli.profile, args).await,
        Command::Bulk(args) => bulk::run(&cli.profile, args, json).await,
        Command::Request(args) => request::run(&cli.profile, args).await,
    }
}
