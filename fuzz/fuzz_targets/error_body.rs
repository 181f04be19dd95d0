//! Elasticsearch error bodies: parsing never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(e) = es_transport::ApiError::parse(data) {
        let _ = e.to_string();
    }
});
