//! Profiles files: parsing never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Err(e) = es_connections::parse_profiles(s, "fuzz.toml") {
        let _ = e.to_string();
    }
});
