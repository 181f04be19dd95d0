//! Elastic Cloud ids: decoding never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Ok(url) = es_transport::decode_cloud_id(s) {
        let _ = es_transport::NodeUrl::parse(&url);
    }
});
