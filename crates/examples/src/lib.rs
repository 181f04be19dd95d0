//! Shared bits of the examples: where the two example clusters are.
//!
//! The connection examples talk to two clusters, `CLUSTER_A_URL` and `CLUSTER_B_URL`
//! (the CI test starts two noida-db emulators and sets them).

/// URL of example cluster A (`CLUSTER_A_URL`, default `http://localhost:9200`).
pub fn cluster_a() -> String {
    std::env::var("CLUSTER_A_URL").unwrap_or_else(|_| "http://localhost:9200".into())
}

/// URL of example cluster B (`CLUSTER_B_URL`, default `http://localhost:9201`).
pub fn cluster_b() -> String {
    std::env::var("CLUSTER_B_URL").unwrap_or_else(|_| "http://localhost:9201".into())
}

/// Prints an error and exits 1: examples report failures through their exit status.
pub fn exit_on_error<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
