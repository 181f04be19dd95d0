//! `es count INDEX [-q QUERY | --body JSON]`.

use serde_json::json;

use crate::Failure;

/// Arguments of `es count`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: crate::search::Target,
}

/// Prints the number of matching documents (or `{"index", "count"}` with `--json`).
pub async fn run(profile: &str, args: Args, as_json: bool) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let mut call = client.count().index(args.target.index.as_str());
    if let Some(q) = &args.target.query {
        call = call.q(q.as_str());
    }
    if let Some(b) = &args.target.body {
        call = call.body(&crate::search::read_body(b)?);
    }
    let res = call.send().await?;
    if as_json {
        out!(
            "{}",
            json!({"index": args.target.index, "count": res.count})
        );
    } else {
        out!("{}", res.count);
    }
    Ok(())
}
