//! Bulk answers: never panics, and an answer is trusted only when it really lists one 2xx item
//! per action.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &[u8])| {
    let (n, body) = (input.0 as usize, input.1);
    if es_helpers::fuzzing::all_acknowledged(body, n) {
        let text = String::from_utf8_lossy(body);
        assert!(text.contains("errors"), "trusted without `errors`: {text}");
        if n > 0 {
            assert!(text.contains("status"), "trusted without statuses: {text}");
        }
    }
});
