//! The typed answer of each endpoint, by name: the suite's answers are read through the same
//! `ApiSpec::parse` as `send()` returns (the generated types of es-types, the hand-written
//! ones of `es_client::types`, a cat API's rows when the test asks for `format=json`).

use es_client::api::ApiSpec;
use es_client::{Error, Response};

macro_rules! typed_checks {
    ($($name:literal => [$t:ty] $(rows [$r:ty])?;)*) => {
        /// Reads `response` as `endpoint`'s typed answer (`None`: the endpoint has none).
        pub fn check(endpoint: &str, response: &Response, rows: bool) -> Option<Result<(), Error>> {
            let r = response.clone();
            match endpoint {
                $($name => {
                    $(if rows {
                        return Some(<$r as ApiSpec>::parse(r).map(drop));
                    })?
                    let _ = rows;
                    Some(<$t as ApiSpec>::parse(r).map(drop))
                })*
                _ => None,
            }
        }

        /// How many endpoints have a typed answer.
        pub const TYPED_ENDPOINTS: usize = [$($name),*].len();
    };
}

es_client::typed_endpoints!(typed_checks);
