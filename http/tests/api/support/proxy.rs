//! A TCP proxy on a loopback port that a test can cut and restore, to play an outage of the
//! service behind it (Redis here; the end-to-end outage drills also put one in front of MongoDB,
//! RabbitMQ and a language model's endpoint): while cut, open connections close and new ones
//! are dropped, as when the service stops; restoring it is the service coming back.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    /// `false` while cut: open connections close, new ones are dropped at once.
    up: watch::Sender<bool>,
    /// Connections forwarding now.
    open: Arc<AtomicUsize>,
}

impl Proxy {
    /// Forwards connections to `upstream` (`host:port`) until cut.
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let (up, watching) = watch::channel(true);
        let open = Arc::new(AtomicUsize::new(0));
        let counted = open.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !*watching.borrow() {
                    drop(client);
                    continue;
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let (upstream, watching, counted) =
                    (upstream.clone(), watching.clone(), counted.clone());
                tokio::spawn(async move {
                    forward(client, upstream, watching).await;
                    counted.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Self { addr, up, open }
    }

    /// Refuses new connections and returns once every open one is closed.
    pub async fn cut(&self) {
        self.up.send_replace(false);
        for _ in 0..500 {
            if self.open.load(Ordering::SeqCst) == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the proxy's connections never closed");
    }

    pub fn restore(&self) {
        self.up.send_replace(true);
    }
}

async fn forward(mut client: TcpStream, upstream: String, mut up: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = up.wait_for(|up| !*up) => {}
    }
}
