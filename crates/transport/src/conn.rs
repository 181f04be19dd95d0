//! Per-node HTTP/1.1 keep-alive connections with a hard cap (`connections_per_node`).
//!
//! Every connection is either idle in the pool or owned by a request that holds one of the
//! node's slots, and a new connection is only opened by a slot holder that found no idle one,
//! so a node never has more open connections than slots.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::node::{NodeUrl, Scheme};
use crate::Error;

pub(crate) type Sender = SendRequest<Full<Bytes>>;

/// How connections are opened: shared by all nodes of a transport.
#[derive(Clone)]
pub(crate) struct Connector {
    pub tls: Option<tokio_rustls::TlsConnector>,
    pub connect_timeout: Duration,
}

impl Connector {
    async fn connect(&self, url: &NodeUrl, open: Arc<AtomicUsize>) -> Result<Sender, Error> {
        let node = url.origin();
        let addr = (url.host.as_str(), url.port);
        let tcp = match tokio::time::timeout(self.connect_timeout, TcpStream::connect(addr)).await {
            Err(_) => return Err(Error::timeout(&node, self.connect_timeout)),
            Ok(Err(e)) => return Err(Error::connection(&node, e.to_string(), Some(Box::new(e)))),
            Ok(Ok(tcp)) => tcp,
        };
        let _ = tcp.set_nodelay(true);
        match url.scheme {
            Scheme::Http => handshake(tcp, &node, open).await,
            Scheme::Https => {
                let tls = self
                    .tls
                    .as_ref()
                    .ok_or_else(|| Error::config("tls", "https node but TLS is not configured"))?;
                let name = ServerName::try_from(url.host.clone()).map_err(|_| {
                    Error::tls(
                        &node,
                        format!("`{}` is not a valid TLS server name", url.host),
                    )
                })?;
                let handshake_io =
                    tokio::time::timeout(self.connect_timeout, tls.connect(name, tcp));
                let stream = match handshake_io.await {
                    Err(_) => return Err(Error::timeout(&node, self.connect_timeout)),
                    Ok(Err(e)) => return Err(Error::tls(&node, e.to_string())),
                    Ok(Ok(s)) => s,
                };
                handshake(stream, &node, open).await
            }
        }
    }
}

async fn handshake<I>(io: I, node: &str, open: Arc<AtomicUsize>) -> Result<Sender, Error>
where
    I: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| crate::transport::classify_hyper_error(node, e))?;
    open.fetch_add(1, Ordering::Relaxed);
    let node = node.to_string();
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(node = %node, error = %e, "connection closed with error");
        }
        open.fetch_sub(1, Ordering::Relaxed);
    });
    Ok(sender)
}

struct Idle {
    sender: Sender,
    since: Instant,
}

/// The connections of one node.
pub(crate) struct ConnPool {
    slots: Arc<Semaphore>,
    idle: Mutex<Vec<Idle>>,
    open: Arc<AtomicUsize>,
}

/// A connection checked out for one request, with its slot.
pub(crate) struct Lease {
    pub sender: Sender,
    pub reused: bool,
    _permit: OwnedSemaphorePermit,
}

const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl ConnPool {
    pub fn new(slots: usize) -> Self {
        ConnPool {
            slots: Arc::new(Semaphore::new(slots.clamp(1, Semaphore::MAX_PERMITS))),
            idle: Mutex::new(Vec::new()),
            open: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    fn pop_idle(&self) -> Option<Idle> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    /// Waits for a slot, then reuses an idle connection or opens a new one.
    pub async fn checkout(&self, connector: &Connector, url: &NodeUrl) -> Result<Lease, Error> {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::connection(&url.origin(), "connection pool closed", None))?;
        while let Some(mut idle) = self.pop_idle() {
            if idle.sender.is_closed() || idle.since.elapsed() > IDLE_TIMEOUT {
                continue;
            }
            if idle.sender.ready().await.is_ok() {
                return Ok(Lease {
                    sender: idle.sender,
                    reused: true,
                    _permit: permit,
                });
            }
        }
        let sender = connector.connect(url, self.open.clone()).await?;
        Ok(Lease {
            sender,
            reused: false,
            _permit: permit,
        })
    }

    /// Opens a fresh connection for a lease whose reused connection turned out closed.
    pub async fn reconnect(
        &self,
        lease: &mut Lease,
        connector: &Connector,
        url: &NodeUrl,
    ) -> Result<(), Error> {
        lease.sender = connector.connect(url, self.open.clone()).await?;
        lease.reused = false;
        Ok(())
    }

    /// Returns a connection whose response was read completely; its slot is released after.
    pub fn checkin(&self, lease: Lease) {
        if lease.sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        idle.push(Idle {
            sender: lease.sender,
            since: Instant::now(),
        });
        // `_permit` drops here, after the connection is back in the pool.
    }

    /// Drops idle connections (used when a node is removed or marked dead).
    pub fn clear_idle(&self) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
