//! Bulk action encoding: whatever the raw source, an encoded action is exactly one action line
//! and one source line, each of them one JSON value.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], Option<&str>)| {
    let (source, id) = input;
    let mut action = es_helpers::Action::index(source.to_vec());
    if let Some(id) = id {
        action = action.id(id);
    }
    let mut buf = Vec::new();
    if action.write_to(&mut buf).is_ok() {
        assert_eq!(buf.iter().filter(|b| **b == b'\n').count(), 2, "{buf:?}");
        assert!(buf.ends_with(b"\n"));
        let first = buf.split(|b| *b == b'\n').next().unwrap_or_default();
        assert!(first.starts_with(b"{\"index\":{"));
    }
});
