//! TLS settings and the rustls configuration built from them.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};

use crate::Error;

/// PEM data, either in memory or in a file read when the client is built.
#[derive(Clone, PartialEq, Eq)]
pub enum Pem {
    /// A file path.
    File(PathBuf),
    /// PEM bytes.
    Bytes(Vec<u8>),
}

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::File(p) => write!(f, "File({})", p.display()),
            Pem::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
        }
    }
}

impl Pem {
    fn load(&self, field: &'static str) -> Result<Vec<u8>, Error> {
        match self {
            Pem::Bytes(b) => Ok(b.clone()),
            Pem::File(p) => std::fs::read(p)
                .map_err(|e| Error::config(field, format!("cannot read {}: {e}", p.display()))),
        }
    }
}

/// TLS options. Verification is on by default (system-independent Mozilla roots unless
/// `ca_certs` is given).
///
/// ```
/// use es_transport::TlsOptions;
/// let tls = TlsOptions::default()
///     .ca_certs_file("/etc/es/ca.pem")
///     .assert_fingerprint("AB:CD:...");
/// assert!(tls.verify_certs);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// Trusted CA certificates (PEM). Replaces the default roots.
    pub ca_certs: Option<Pem>,
    /// Client certificate chain (PEM) for mutual TLS.
    pub client_cert: Option<Pem>,
    /// Client private key (PEM); never printed.
    pub client_key: Option<Pem>,
    /// Verify the server certificate chain (`verify_certs`). Default `true`.
    pub verify_certs: bool,
    /// Check that the certificate names the host (`ssl_assert_hostname`). Default `true`.
    pub verify_hostname: bool,
    /// SHA-256 fingerprint (hex, colons optional) that a certificate of the server's chain must
    /// have (`ssl_assert_fingerprint`). When set, it replaces chain verification.
    pub assert_fingerprint: Option<String>,
    /// Minimum TLS version (`ssl_version`; default TLS 1.2).
    pub min_version: Option<crate::TlsVersion>,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            ca_certs: None,
            client_cert: None,
            client_key: None,
            verify_certs: true,
            verify_hostname: true,
            assert_fingerprint: None,
            min_version: None,
        }
    }
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsOptions")
            .field("ca_certs", &self.ca_certs)
            .field("client_cert", &self.client_cert)
            .field(
                "client_key",
                &self.client_key.as_ref().map(|_| "<redacted>"),
            )
            .field("verify_certs", &self.verify_certs)
            .field("verify_hostname", &self.verify_hostname)
            .field("assert_fingerprint", &self.assert_fingerprint)
            .field("min_version", &self.min_version)
            .finish()
    }
}

impl TlsOptions {
    /// Trust the CAs in this PEM file.
    pub fn ca_certs_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_certs = Some(Pem::File(path.into()));
        self
    }
    /// Trust the CAs in these PEM bytes.
    pub fn ca_certs_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certs = Some(Pem::Bytes(pem.into()));
        self
    }
    /// Present this client certificate and key (PEM files).
    pub fn client_cert_files(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.client_cert = Some(Pem::File(cert.into()));
        self.client_key = Some(Pem::File(key.into()));
        self
    }
    /// Present this client certificate and key (PEM bytes).
    pub fn client_cert_pem(mut self, cert: impl Into<Vec<u8>>, key: impl Into<Vec<u8>>) -> Self {
        self.client_cert = Some(Pem::Bytes(cert.into()));
        self.client_key = Some(Pem::Bytes(key.into()));
        self
    }
    /// Turn certificate verification on or off.
    pub fn verify_certs(mut self, on: bool) -> Self {
        self.verify_certs = on;
        self
    }
    /// Turn the host-name check on or off.
    pub fn verify_hostname(mut self, on: bool) -> Self {
        self.verify_hostname = on;
        self
    }
    /// The minimum TLS version.
    pub fn min_version(mut self, v: crate::TlsVersion) -> Self {
        self.min_version = Some(v);
        self
    }
    /// Pin a SHA-256 certificate fingerprint.
    pub fn assert_fingerprint(mut self, hex: impl Into<String>) -> Self {
        self.assert_fingerprint = Some(hex.into());
        self
    }

    /// Builds the rustls client configuration.
    pub(crate) fn build(&self) -> Result<Arc<ClientConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&rustls::SupportedProtocolVersion] = match self.min_version {
            Some(crate::TlsVersion::Tls13) => &[&rustls::version::TLS13],
            _ => rustls::DEFAULT_VERSIONS,
        };
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| Error::config("ssl_version", e.to_string()))?;
        let algs = provider.signature_verification_algorithms;

        let verifier: Arc<dyn ServerCertVerifier> = if let Some(fp) = &self.assert_fingerprint {
            Arc::new(RelaxedVerifier {
                fingerprint: Some(parse_fingerprint(fp)?),
                algs,
            })
        } else if !self.verify_certs {
            Arc::new(RelaxedVerifier {
                fingerprint: None,
                algs,
            })
        } else {
            let roots = self.roots()?;
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Error::config("ca_certs", e.to_string()))?;
            if self.verify_hostname {
                webpki
            } else {
                Arc::new(IgnoreHostname { inner: webpki })
            }
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => {
                let certs = load_certs(&cert.load("client_cert")?, "client_cert")?;
                let key = PrivateKeyDer::from_pem_slice(&key.load("client_key")?).map_err(|e| {
                    Error::config("client_key", format!("no usable private key in PEM: {e}"))
                })?;
                builder
                    .with_client_auth_cert(certs, key)
                    .map_err(|e| Error::config("client_cert", e.to_string()))?
            }
            (None, None) => builder.with_no_client_auth(),
            (Some(_), None) => {
                return Err(Error::config(
                    "client_key",
                    "client_cert given without client_key",
                ))
            }
            (None, Some(_)) => {
                return Err(Error::config(
                    "client_cert",
                    "client_key given without client_cert",
                ))
            }
        };
        Ok(Arc::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, Error> {
        let mut roots = RootCertStore::empty();
        match &self.ca_certs {
            Some(pem) => {
                for cert in load_certs(&pem.load("ca_certs")?, "ca_certs")? {
                    roots.add(cert).map_err(|e| {
                        Error::config("ca_certs", format!("bad CA certificate: {e}"))
                    })?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        Ok(roots)
    }
}

fn load_certs(pem: &[u8], field: &'static str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::config(field, format!("bad PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::config(field, "no certificate found in PEM data"));
    }
    Ok(certs)
}

/// Parses a SHA-256 fingerprint written as hex, with or without `:` separators.
pub(crate) fn parse_fingerprint(s: &str) -> Result<[u8; 32], Error> {
    let hex: String = s
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect();
    let bad = || {
        Error::config(
            "assert_fingerprint",
            "expected a SHA-256 fingerprint: 64 hex digits",
        )
    };
    if hex.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// Hex SHA-256 fingerprint (uppercase, colon-separated) of a DER certificate.
pub fn fingerprint_sha256(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Accepts any chain (`verify_certs=false`) or only one containing a pinned certificate
/// (`ssl_assert_fingerprint`); handshake signatures are always checked.
#[derive(Debug)]
struct RelaxedVerifier {
    fingerprint: Option<[u8; 32]>,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for RelaxedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(expected) = self.fingerprint else {
            return Ok(ServerCertVerified::assertion());
        };
        let matches = std::iter::once(end_entity)
            .chain(intermediates)
            .any(|c| Sha256::digest(c.as_ref()).as_slice() == expected);
        if matches {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "certificate fingerprint mismatch: server presented {}",
                fingerprint_sha256(end_entity.as_ref())
            )))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

#[derive(Debug)]
struct IgnoreHostname {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for IgnoreHostname {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_with_or_without_colons() {
        let plain = "ab".repeat(32);
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(parse_fingerprint(&plain).unwrap(), [0xab; 32]);
        assert_eq!(parse_fingerprint(&colons).unwrap(), [0xab; 32]);
        assert!(parse_fingerprint("abcd").is_err());
        assert!(parse_fingerprint(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn bad_pem_is_a_config_error_naming_the_field() {
        let err = TlsOptions::default()
            .ca_certs_pem(b"garbage".to_vec())
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("ca_certs"), "{err}");
        let err = TlsOptions::default()
            .ca_certs_file("/nonexistent/ca.pem")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
        assert!(!format!(
            "{:?}",
            TlsOptions::default().client_cert_pem(b"c".to_vec(), b"KEY".to_vec())
        )
        .contains("KEY"));
    }
}
