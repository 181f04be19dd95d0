//! Which product and version answers, and the media types that follow from it.

use http::HeaderValue;
use serde::Deserialize;

/// How the client chooses `Accept` / `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompatMode {
    /// Learn the server's major version from `GET /` on first use: Elasticsearch 8 and 9 get
    /// `application/vnd.elasticsearch+json; compatible-with=<major>`, OpenSearch and older
    /// Elasticsearch get plain `application/json`.
    #[default]
    Auto,
    /// Always send the compatibility media type for this major version.
    Version(u8),
    /// Always send plain `application/json`.
    Off,
}

/// The product behind the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// Elasticsearch.
    Elasticsearch,
    /// OpenSearch.
    OpenSearch,
    /// Not recognised (or not checked).
    Unknown,
}

/// What `GET /` told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// Product.
    pub product: Product,
    /// `version.number`, e.g. `8.15.3`.
    pub version: String,
    /// Major version parsed from `version`.
    pub major: u8,
}

impl ServerInfo {
    /// Classifies a `GET /` response.
    pub fn from_root(body: &[u8], product_header: Option<&HeaderValue>) -> Option<ServerInfo> {
        #[derive(Deserialize)]
        struct Root {
            version: Version,
            tagline: Option<String>,
        }
        #[derive(Deserialize)]
        struct Version {
            number: String,
            distribution: Option<String>,
        }
        let root: Root = serde_json::from_slice(body).ok()?;
        let major = root
            .version
            .number
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        let product = if root.version.distribution.as_deref() == Some("opensearch") {
            Product::OpenSearch
        } else if product_header.is_some_and(|h| h == "Elasticsearch")
            || root.tagline.as_deref() == Some("You Know, for Search")
        {
            Product::Elasticsearch
        } else {
            Product::Unknown
        };
        Some(ServerInfo {
            product,
            version: root.version.number,
            major,
        })
    }
}

/// The `Accept` / `Content-Type` values used for JSON and NDJSON bodies.
#[derive(Debug, Clone)]
pub(crate) struct MediaTypes {
    pub json: HeaderValue,
    pub ndjson: HeaderValue,
}

impl MediaTypes {
    pub fn plain() -> Self {
        MediaTypes {
            json: HeaderValue::from_static("application/json"),
            ndjson: HeaderValue::from_static("application/x-ndjson"),
        }
    }

    pub fn compat(major: u8) -> Self {
        // Static for the versions that exist, as the plain types are (see the transport's
        // default headers for why).
        macro_rules! stat {
            ($m:literal) => {
                return MediaTypes {
                    json: HeaderValue::from_static(concat!(
                        "application/vnd.elasticsearch+json; compatible-with=",
                        $m
                    )),
                    ndjson: HeaderValue::from_static(concat!(
                        "application/vnd.elasticsearch+x-ndjson; compatible-with=",
                        $m
                    )),
                }
            };
        }
        match major {
            7 => stat!(7),
            8 => stat!(8),
            9 => stat!(9),
            _ => {}
        }
        let json = format!("application/vnd.elasticsearch+json; compatible-with={major}");
        let ndjson = format!("application/vnd.elasticsearch+x-ndjson; compatible-with={major}");
        match (HeaderValue::from_str(&json), HeaderValue::from_str(&ndjson)) {
            (Ok(json), Ok(ndjson)) => MediaTypes { json, ndjson },
            _ => MediaTypes::plain(),
        }
    }

    pub fn for_server(info: &ServerInfo) -> Self {
        match info.product {
            Product::Elasticsearch if info.major >= 8 => MediaTypes::compat(info.major),
            _ => MediaTypes::plain(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compat_media_types_name_their_major_version() {
        for major in [7, 8, 9, 10] {
            let m = MediaTypes::compat(major);
            assert_eq!(
                m.json,
                format!("application/vnd.elasticsearch+json; compatible-with={major}").as_str()
            );
            assert_eq!(
                m.ndjson,
                format!("application/vnd.elasticsearch+x-ndjson; compatible-with={major}").as_str()
            );
        }
    }

    #[test]
    fn classifies_root_answers() {
        let es = br#"{"version":{"number":"8.15.3"},"tagline":"You Know, for Search"}"#;
        let info = ServerInfo::from_root(es, None).unwrap();
        assert_eq!((info.product, info.major), (Product::Elasticsearch, 8));
        assert_eq!(
            MediaTypes::for_server(&info).json,
            "application/vnd.elasticsearch+json; compatible-with=8"
        );
        let es9 = br#"{"version":{"number":"9.1.0"}}"#;
        let info =
            ServerInfo::from_root(es9, Some(&HeaderValue::from_static("Elasticsearch"))).unwrap();
        assert_eq!(
            MediaTypes::for_server(&info).ndjson,
            "application/vnd.elasticsearch+x-ndjson; compatible-with=9"
        );
        let os = br#"{"version":{"number":"3.8.0","distribution":"opensearch"},"tagline":"The OpenSearch Project"}"#;
        let info =
            ServerInfo::from_root(os, Some(&HeaderValue::from_static("Elasticsearch"))).unwrap();
        assert_eq!(info.product, Product::OpenSearch);
        assert_eq!(MediaTypes::for_server(&info).json, "application/json");
        let other = br#"{"version":{"number":"1.0"}}"#;
        assert_eq!(
            ServerInfo::from_root(other, None).unwrap().product,
            Product::Unknown
        );
        assert!(ServerInfo::from_root(b"<html>", None).is_none());
    }
}
