//! `es health`: every requested cluster checked concurrently.

use es_connections::check_health;

use crate::Failure;

/// Prints rows under headers, columns padded.
pub fn print_table<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) {
    print_rows(
        &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        rows.iter().map(|r| r.to_vec()),
    );
}

/// [`print_table`] for a number of columns known at run time.
pub fn print_rows(headers: &[String], rows: impl IntoIterator<Item = Vec<String>>) {
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out!("{}", padded.join("  ").trim_end());
    };
    line(headers);
    for r in &rows {
        line(r);
    }
}

/// `es health ALIAS...`; fails (exit 1) if a cluster is red or unreachable.
pub async fn run(aliases: &[String], as_json: bool) -> Result<(), Failure> {
    let mut clients = Vec::new();
    for a in aliases {
        clients.push((a.clone(), es_connections::client(a.as_str())?));
    }
    let checks = clients
        .iter()
        .map(|(alias, c)| async move { (alias.clone(), check_health(c).await) });
    let results = futures_util::future::join_all(checks).await;
    let mut bad = 0;
    let rows: Vec<[String; 5]> = results
        .into_iter()
        .map(|(alias, r)| match r {
            Ok(h) => {
                if h.status == es_client::types::common::HealthStatus::Red {
                    bad += 1;
                }
                [
                    alias,
                    h.status.to_string(),
                    h.number_of_nodes.to_string(),
                    h.active_shards.to_string(),
                    format!("{} {}", h.cluster_name, h.version),
                ]
            }
            Err(e) => {
                bad += 1;
                [
                    alias,
                    "unreachable".into(),
                    "-".into(),
                    "-".into(),
                    e.to_string(),
                ]
            }
        })
        .collect();
    if as_json {
        for [alias, status, nodes, shards, cluster] in &rows {
            let ok = status != "unreachable";
            out!(
                "{}",
                serde_json::json!({"profile": alias, "status": status,
                    "nodes": nodes.parse::<u64>().ok(), "active_shards": shards.parse::<u64>().ok(),
                    "cluster": ok.then_some(cluster), "error": (!ok).then_some(cluster)})
            );
        }
    } else {
        print_table(
            &["PROFILE", "STATUS", "NODES", "SHARDS", "CLUSTER / ERROR"],
            &rows,
        );
    }
    if bad > 0 {
        return Err(Failure::failed(format!(
            "{bad} of {} cluster(s) red or unreachable",
            rows.len()
        )));
    }
    Ok(())
}
