//! Real processes for the multi-instance tests: `tabletalk serve` instances over one Postgres database and a
//! Redis of their own, and HAProxy in front of them, as `docs/deploy.md` runs them. Everything is killed when
//! dropped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A free loopback port (bound and released; good enough for a test on a quiet machine).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until something accepts connections on `port`.
pub async fn listening(port: u16) {
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("nothing listens on port {port} after 6 seconds");
}

/// The binary's environment variable that names a program, or a skip reason.
fn program(variable: &str) -> Option<String> {
    std::env::var(variable).ok().filter(|path| !path.is_empty())
}

/// A Redis server of the test's own, which it can stop and start again on the same port.
pub struct Redis {
    pub port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts `TABLETALK_REDIS_SERVER` (set by `scripts/redis.sh`) on a free port.
    pub async fn start() -> Self {
        let mut redis = Self {
            port: free_port(),
            child: None,
        };
        redis.restart().await;
        redis
    }

    /// The URL of this Redis.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (as a crash would).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty.
    pub async fn restart(&mut self) {
        let binary = program("TABLETALK_REDIS_SERVER").expect("TABLETALK_REDIS_SERVER (scripts/redis.sh)");
        let child = Command::new(binary)
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        listening(self.port).await;
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `tabletalk serve` instances over one database and one Redis, behind HAProxy.
pub struct Cluster {
    /// The balancer's port: where clients connect.
    pub port: u16,
    /// Each instance's own port.
    pub instance_ports: Vec<u16>,
    instances: Vec<Option<Child>>,
    haproxy: Child,
    dir: PathBuf,
}

impl Cluster {
    /// Starts `count` instances on `database_url` with the bus at `redis_url` under `namespace`, and HAProxy
    /// (`TABLETALK_HAPROXY`, set by `scripts/redis.sh`) in front, checking each instance's `/readyz`.
    pub async fn start(count: usize, database_url: &str, redis_url: &str, namespace: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tabletalk-cluster-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut instances = Vec::new();
        let mut instance_ports = Vec::new();
        for index in 0..count {
            let port = free_port();
            let log = std::fs::File::create(dir.join(format!("instance-{index}.log"))).unwrap();
            let child = Command::new(env!("CARGO_BIN_EXE_tabletalk"))
                .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
                .env("DATABASE_URL", database_url)
                .env("REDIS_URL", redis_url)
                .env("TABLETALK_REDIS_NAMESPACE", namespace)
                .env("TABLETALK_MAX_SOCKETS_PER_IP", "0")
                .env("RUST_LOG", "warn")
                .current_dir(&root)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("tabletalk serve starts");
            instances.push(Some(child));
            instance_ports.push(port);
        }
        for port in &instance_ports {
            listening(*port).await;
        }
        let port = free_port();
        let servers: String = instance_ports
            .iter()
            .enumerate()
            .map(|(index, p)| format!("    server i{index} 127.0.0.1:{p} check inter 200ms fall 1 rise 1\n"))
            .collect();
        // The balancer of docs/deploy.md: health by /readyz, WebSockets kept open as tunnels, a connection to a
        // server that just died sent to another.
        let config = format!(
            "global\n    maxconn 4096\n\
             defaults\n    mode http\n    timeout connect 1s\n    timeout client 60s\n    timeout server 60s\n\
             \x20   timeout tunnel 1h\n    retries 3\n    option redispatch\n\
             frontend players\n    bind 127.0.0.1:{port}\n    default_backend tabletalk\n\
             backend tabletalk\n    balance roundrobin\n    option httpchk GET /readyz\n\
             \x20   http-response set-header X-Served-By %s\n{servers}"
        );
        let config_path = dir.join("haproxy.cfg");
        std::fs::write(&config_path, config).unwrap();
        let haproxy = Command::new(program("TABLETALK_HAPROXY").expect("TABLETALK_HAPROXY (scripts/redis.sh)"))
            .arg("-db")
            .arg("-f")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("haproxy.log")).unwrap())
            .spawn()
            .expect("haproxy starts");
        listening(port).await;
        let cluster = Self {
            port,
            instance_ports,
            instances,
            haproxy,
            dir,
        };
        cluster.until_ready().await;
        cluster
    }

    /// Waits until every live instance answers `/readyz` with 200 (its bus open).
    pub async fn until_ready(&self) {
        for (index, port) in self.instance_ports.iter().enumerate() {
            if self.instances[index].is_none() {
                continue;
            }
            for attempt in 0.. {
                if ready(*port).await {
                    break;
                }
                assert!(attempt < 300, "instance {index} not ready: {}", self.log(index));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        // Let HAProxy's checks (every 200 ms) see them.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    /// Kills instance `index` with SIGKILL: no shutdown, no last publish.
    pub fn kill(&mut self, index: usize) {
        if let Some(mut child) = self.instances[index].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The log of instance `index`.
    pub fn log(&self, index: usize) -> String {
        std::fs::read_to_string(self.dir.join(format!("instance-{index}.log"))).unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for index in 0..self.instances.len() {
            self.kill(index);
        }
        let _ = self.haproxy.kill();
        let _ = self.haproxy.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether `GET /readyz` on `port` answers 200.
async fn ready(port: u16) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    let request = "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    answer.starts_with(b"HTTP/1.1 200")
}
