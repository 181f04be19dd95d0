//! Elastic Cloud `cloud_id` decoding.

use base64::Engine;

use crate::Error;

/// Decodes an Elastic Cloud id `name:base64(host[:port]$es_uuid[$kibana_uuid])` into the
/// HTTPS URL of the Elasticsearch endpoint.
///
/// ```
/// use base64::Engine;
/// let payload = base64::engine::general_purpose::STANDARD.encode("eu-west-1.aws.found.io$abc123$kib456");
/// let url = es_transport::decode_cloud_id(&format!("my-deploy:{payload}")).unwrap();
/// assert_eq!(url, "https://abc123.eu-west-1.aws.found.io:443");
/// assert!(es_transport::decode_cloud_id("no-colon-here").is_err());
/// ```
pub fn decode_cloud_id(cloud_id: &str) -> Result<String, Error> {
    let bad = |why: &str| Error::config("cloud_id", format!("malformed cloud_id: {why}"));
    let (_name, payload) = cloud_id
        .split_once(':')
        .ok_or_else(|| bad("expected `name:base64data`"))?;
    let payload = payload.trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(payload))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(payload))
        .map_err(|_| bad("the part after `:` is not base64"))?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad("decoded data is not UTF-8"))?;
    let mut parts = decoded.split('$');
    let host = parts.next().unwrap_or_default();
    let es_uuid = parts
        .next()
        .ok_or_else(|| bad("decoded data has no `$es_uuid` part"))?;
    if host.is_empty() || es_uuid.is_empty() {
        return Err(bad("empty host or Elasticsearch id"));
    }
    let (host, port) = match host.rsplit_once(':') {
        Some((h, p)) => {
            let port: u16 = p.parse().map_err(|_| bad("port is not a number"))?;
            (h, port)
        }
        None => (host, 443),
    };
    Ok(format!("https://{es_uuid}.{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn decodes_with_and_without_port() {
        assert_eq!(
            decode_cloud_id(&format!("c:{}", enc("us-east-1.aws.found.io:9243$es1$kb1"))).unwrap(),
            "https://es1.us-east-1.aws.found.io:9243"
        );
        assert_eq!(
            decode_cloud_id(&format!("c:{}", enc("host.example$es2"))).unwrap(),
            "https://es2.host.example:443"
        );
    }

    #[test]
    fn rejects_malformed_ids_with_a_config_error() {
        for bad in [
            "nocolon".to_string(),
            "c:!!!notbase64".to_string(),
            format!("c:{}", enc("onlyhost")),
            format!("c:{}", enc("host:notaport$es")),
            format!("c:{}", enc("$es")),
        ] {
            let err = decode_cloud_id(&bad).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Config, "{bad}");
            assert!(err.to_string().contains("cloud_id"), "{err}");
        }
    }
}
