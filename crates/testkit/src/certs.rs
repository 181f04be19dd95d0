//! Certificates generated at test time: a CA, a server certificate for loopback, a client
//! certificate, and an unrelated CA to prove that verification fails.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::TestkitError;

/// A freshly generated PKI for TLS tests.
///
/// ```
/// let pki = es_testkit::TestPki::generate().unwrap();
/// assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
/// assert_ne!(pki.ca_pem, pki.other_ca_pem);
/// ```
#[derive(Clone)]
pub struct TestPki {
    /// The CA that signed the server and client certificates.
    pub ca_pem: String,
    /// A CA that signed nothing here (verification against it must fail).
    pub other_ca_pem: String,
    /// Server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub server_cert_pem: String,
    /// Server certificate, DER (for fingerprints).
    pub server_cert_der: Vec<u8>,
    /// Server private key.
    pub server_key_pem: String,
    /// A certificate signed by the CA for `not-this-host.invalid` only (hostname checks fail).
    pub wrong_host_cert_pem: String,
    /// Its private key.
    pub wrong_host_key_pem: String,
    /// Client certificate signed by the CA.
    pub client_cert_pem: String,
    /// Client private key.
    pub client_key_pem: String,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestPki { .. }")
    }
}

fn gen_err(e: rcgen::Error) -> TestkitError {
    TestkitError::Tls(e.to_string())
}

impl TestPki {
    /// Generates every certificate.
    pub fn generate() -> Result<TestPki, TestkitError> {
        let (ca, ca_key) = make_ca("es-testkit CA")?;
        let (other_ca, _) = make_ca("es-testkit unrelated CA")?;

        let mut server = CertificateParams::new(vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
        ])
        .map_err(gen_err)?;
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().map_err(gen_err)?;
        let server_cert = server
            .signed_by(&server_key, &ca, &ca_key)
            .map_err(gen_err)?;

        let mut wrong =
            CertificateParams::new(vec!["not-this-host.invalid".to_string()]).map_err(gen_err)?;
        wrong.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let wrong_key = KeyPair::generate().map_err(gen_err)?;
        let wrong_cert = wrong.signed_by(&wrong_key, &ca, &ca_key).map_err(gen_err)?;

        let mut client =
            CertificateParams::new(vec!["es-testkit-client".to_string()]).map_err(gen_err)?;
        client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client_key = KeyPair::generate().map_err(gen_err)?;
        let client_cert = client
            .signed_by(&client_key, &ca, &ca_key)
            .map_err(gen_err)?;

        Ok(TestPki {
            ca_pem: ca.pem(),
            other_ca_pem: other_ca.pem(),
            server_cert_pem: server_cert.pem(),
            server_cert_der: server_cert.der().to_vec(),
            server_key_pem: server_key.serialize_pem(),
            wrong_host_cert_pem: wrong_cert.pem(),
            wrong_host_key_pem: wrong_key.serialize_pem(),
            client_cert_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
        })
    }

    /// Server TLS settings with the certificate for another host name.
    pub fn wrong_host_server_tls(&self) -> ServerTls {
        ServerTls {
            cert_pem: self.wrong_host_cert_pem.clone(),
            key_pem: self.wrong_host_key_pem.clone(),
            client_ca_pem: None,
        }
    }

    /// Server TLS settings using this PKI's server certificate.
    pub fn server_tls(&self) -> ServerTls {
        ServerTls {
            cert_pem: self.server_cert_pem.clone(),
            key_pem: self.server_key_pem.clone(),
            client_ca_pem: None,
        }
    }
}

fn make_ca(name: &str) -> Result<(rcgen::Certificate, KeyPair), TestkitError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(gen_err)?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let key = KeyPair::generate().map_err(gen_err)?;
    let cert = params.self_signed(&key).map_err(gen_err)?;
    Ok((cert, key))
}

/// TLS settings of a fake cluster.
#[derive(Clone)]
pub struct ServerTls {
    /// Server certificate chain (PEM).
    pub cert_pem: String,
    /// Server key (PEM).
    pub key_pem: String,
    /// When set, clients must present a certificate signed by this CA.
    pub client_ca_pem: Option<String>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls")
            .field("requires_client_cert", &self.client_ca_pem.is_some())
            .finish()
    }
}

impl ServerTls {
    /// Requires client certificates signed by `ca_pem`.
    pub fn require_client_cert(mut self, ca_pem: &str) -> Self {
        self.client_ca_pem = Some(ca_pem.to_string());
        self
    }

    pub(crate) fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TestkitError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs = CertificateDer::pem_slice_iter(self.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TestkitError::Tls(e.to_string()))?;
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|e| TestkitError::Tls(e.to_string()))?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TestkitError::Tls(e.to_string()))?;
        let builder = match &self.client_ca_pem {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for c in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                    roots
                        .add(c.map_err(|e| TestkitError::Tls(e.to_string()))?)
                        .map_err(|e| TestkitError::Tls(e.to_string()))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|e| TestkitError::Tls(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| TestkitError::Tls(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}
