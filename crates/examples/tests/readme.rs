//! The README's Rust snippets are compiled: `src/bin/readme_check.rs` holds them (one module
//! each) and this test fails when the README and that file drift apart.

#![allow(clippy::unwrap_used)]

/// What `readme_check.rs` must contain for the current README.
fn expected() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let mut out = vec!["#![allow(unused, clippy::all, missing_docs)]".to_string()];
    for (i, block) in readme.split("```rust,no_run\n").skip(1).enumerate() {
        let body = block.split("```").next().unwrap();
        let lines: Vec<&str> = body
            .split('\n')
            .map(|l| {
                if l == "#" {
                    ""
                } else {
                    l.strip_prefix("# ").unwrap_or(l)
                }
            })
            .collect();
        out.push(format!(
            "#[rustfmt::skip]\nmod snippet{i} {{\n{}\n}}",
            lines.join("\n")
        ));
    }
    out.push("fn main() {}".to_string());
    out.join("\n") + "\n"
}

#[test]
fn readme_snippets_are_the_compiled_ones() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bin/readme_check.rs");
    let actual = std::fs::read_to_string(path).unwrap();
    if std::env::var_os("UPDATE_README_CHECK").is_some() {
        std::fs::write(path, expected()).unwrap();
        return;
    }
    assert_eq!(
        actual,
        expected(),
        "README snippets changed: rerun with UPDATE_README_CHECK=1"
    );
}
