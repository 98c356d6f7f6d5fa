//! Postgres lost at run time (issue 15): the instance reaches its database through a TCP relay the test cuts,
//! as a network partition would. While it is cut, a send is refused with the typed `unavailable` error (never
//! an ack without a commit) and `/readyz` answers 503; once it is back, the same send, retried with its key, is
//! stored once, without a restart.
//!
//! Postgres only (SQLite is a file, not a network peer); in the SQLite pass it says so.

use crate::support::{on_postgres, TestServer};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A TCP relay to the database that can be cut (every relayed connection closed, new ones refused) and restored.
struct Relay {
    port: u16,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn to(target_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (accepting_cut, accepting_links) = (cut.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if accepting_cut.load(Ordering::Acquire) {
                    continue; // dropped: the connection is closed at once
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", target_port)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                accepting_links.lock().unwrap().push(link);
            }
        });
        Self { port, cut, links }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::Release);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::Release);
    }
}

#[tokio::test]
async fn a_lost_database_refuses_sends_as_unavailable_and_comes_back_by_itself() {
    if !on_postgres() {
        eprintln!("losing the database over the network needs the Postgres pass; this pass is on SQLite");
        return;
    }
    let direct = TestServer::start().await;
    let (gm, gm_token) = direct.user("gamemaster").await;
    let (_, _, room) = direct.table(&gm, &[], true).await;
    let url = url::Url::parse(&direct.database_url()).unwrap();
    let relay = Relay::to(url.port().unwrap()).await;
    let mut through_relay = url.clone();
    through_relay.set_port(Some(relay.port)).unwrap();
    let pool = server::store::connect(through_relay.as_str()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("tabletalk-test-{}", ulid::Ulid::generate()));
    std::fs::create_dir_all(&dir).unwrap();
    let instance = TestServer::over_existing(pool, dir).await;

    let mut socket = instance.connect(&gm_token).await;
    socket.join(&room, None).await;
    let ack = socket.say(&room, "before", "Before the cut.").await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");

    relay.cut();
    let refused = socket.say(&room, "during", "During the cut.").await;
    assert_eq!(refused["type"], "chat.error", "{refused}");
    assert_eq!(refused["code"], "unavailable", "{refused}");
    let (status, _, _) = instance.get("/readyz", None).await;
    assert_eq!(status, 503, "not ready while its database is lost");

    relay.restore();
    let mut answer = refused;
    for _ in 0..40 {
        answer = socket.say(&room, "during", "During the cut.").await;
        if answer["type"] == "chat.ack" {
            break;
        }
        assert_eq!(answer["code"], "unavailable", "{answer}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        answer["type"], "chat.ack",
        "the send goes through once the database is back: {answer}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE client_message_id = 'during'")
        .fetch_one(&direct.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "the refused send was never stored; the retry was, once");
    let (status, _, _) = instance.get("/readyz", None).await;
    assert_eq!(status, 200);
}
