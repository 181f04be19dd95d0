//! The runner's command line.

#![allow(clippy::unwrap_used)]

#[test]
fn help_prints_usage_instead_of_running_against_a_host_named_help() {
    for flag in ["--help", "-h"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_es-yaml-tests"))
            .arg(flag)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: es-yaml-tests"));
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_es-yaml-tests"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
