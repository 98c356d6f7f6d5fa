//! A NATS server with JetStream of the test's own (Debian's `nats-server`), which it can stop and start again
//! on the same port and store, as a broker restart does. Stopped when dropped.

use super::cluster::{free_port, listening};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The broker binary: `TABLETALK_NATS_SERVER`, else `nats-server` where Debian puts it
/// (`scripts/test.sh` installs it).
fn binary() -> String {
    if let Some(path) = std::env::var("TABLETALK_NATS_SERVER").ok().filter(|p| !p.is_empty()) {
        return path;
    }
    for candidate in ["/usr/sbin/nats-server", "/usr/bin/nats-server"] {
        if std::path::Path::new(candidate).exists() {
            return candidate.to_owned();
        }
    }
    panic!("nats-server is not installed: scripts/test.sh installs Debian's nats-server, or set TABLETALK_NATS_SERVER");
}

/// A running (or stopped) broker.
pub struct Nats {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Nats {
    /// Starts a broker with JetStream on a free port, its store in a new folder.
    pub async fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("tabletalk-nats-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut nats = Self {
            port: free_port(),
            dir,
            child: None,
        };
        nats.restart().await;
        nats
    }

    /// The URL clients connect to.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops it the way an operator's restart does (SIGTERM, then waits for it to exit).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same store.
    pub async fn restart(&mut self) {
        let child = Command::new(binary())
            .args(["-js", "-a", "127.0.0.1", "-p", &self.port.to_string(), "-sd"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.dir.join("nats.log")).unwrap())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        listening(self.port).await;
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
