//! Host strings: parsing and redaction never panic on any input, and for a URL with
//! credentials the password never survives redaction (nor shows in a parse error).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str, &str)| {
    let (any, user, password, host) = input;
    let _ = es_transport::redact_url(any);
    if let Err(e) = es_transport::NodeUrl::parse(any) {
        let _ = e.to_string();
    }
    // Structured: any password without `@` is replaced whole by the placeholder.
    let host: String = host.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let user: String = user.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if password.len() < 6 || password.contains('@') || host.is_empty() {
        return;
    }
    let url = format!("https://{user}:{password}@{host}:9200/prefix");
    let shown = es_transport::redact_url(&url);
    assert_eq!(
        shown,
        format!("https://{user}:<redacted>@{host}:9200/prefix")
    );
    if host.contains(password) || user.contains(password) || "<redacted>".contains(password) {
        return;
    }
    if let Err(e) = es_transport::NodeUrl::parse(&url) {
        assert!(!e.to_string().contains(password), "{e}");
    }
});
