//! `es request METHOD PATH`.

use es_client::http::Method;

use crate::Failure;

/// Arguments of `es request`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// HTTP method.
    method: String,
    /// Path with query string (`/_cat/indices?v`).
    path: String,
    /// JSON body, or `@file.json`.
    #[arg(long)]
    body: Option<String>,
}

/// Sends the request; prints the answer (pretty JSON when it is JSON).
pub async fn run(profile: &str, args: Args) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| Failure::usage(format!("`{}` is not an HTTP method", args.method)))?;
    let (path, query) = args.path.split_once('?').unwrap_or((&args.path, ""));
    let mut call = client.send(method, path.to_string());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        call = call.query(k, v);
    }
    if let Some(b) = &args.body {
        call = call.body(&crate::search::read_body(b)?);
    }
    // cat APIs answer their text table unless JSON is asked for (elasticsearch-py sends
    // `text/plain` for them too).
    if path.starts_with("/_cat") && !query.split('&').any(|p| p.starts_with("format=")) {
        call = call.header("accept", "text/plain");
    }
    let resp = call.send_raw().await?;
    match serde_json::from_slice::<serde_json::Value>(resp.body()) {
        Ok(v) => out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
        Err(_) => print!("{}", resp.text()),
    }
    Ok(())
}
