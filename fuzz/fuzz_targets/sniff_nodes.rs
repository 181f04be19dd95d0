//! `_nodes/http` answers (sniffing): parsing never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = es_transport::fuzzing::parse_nodes(data);
});
