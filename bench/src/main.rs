//! `tabletalk-load`: opens N WebSockets in rooms of M members against Tabletalk, a Socket.IO server or the
//! bare broadcast ceiling, sends at given rates, and reports send->deliver latency (HDR percentiles),
//! deliveries/s, acked sends/s, errors and the server's memory. With `--check` it fails unless every member
//! received exactly the messages it may see. See BENCHMARKS.md.

mod client;
mod plan;
mod protocol;
mod report;
mod spread;
mod stats;
mod verify;

use clap::Parser;
use client::{Command, Endpoint};
use plan::{reach_of, Plan, Reach};
use protocol::Target;
use stats::Shared;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Semaphore};

/// The load generator's options.
#[derive(Debug, Parser)]
#[command(name = "tabletalk-load", about = "Load generator for Tabletalk and its peers")]
pub struct Options {
    /// The server's protocol.
    #[arg(long, value_enum, default_value = "tabletalk")]
    pub target: Target,
    /// Base URL of the server (ws://host:port); several, comma-separated, spread each room's members over
    /// that many instances and report latency within and between them.
    #[arg(long, value_delimiter = ',', default_value = "ws://127.0.0.1:3000")]
    pub url: Vec<String>,
    /// Load plan from `tabletalk seed --bench-rooms ... --bench-out` (Tabletalk needs one).
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// Rooms, for targets without a plan.
    #[arg(long, default_value_t = 25)]
    pub rooms: usize,
    /// Members per room, for targets without a plan.
    #[arg(long, default_value_t = 8)]
    pub members: usize,
    /// Total sends per second, one phase per value (e.g. `100,200,400` ramps up).
    #[arg(long, value_delimiter = ',', default_value = "100")]
    pub rates: Vec<u32>,
    /// Seconds each phase sends.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Mix GM-only messages and whispers in (one in ten each); Tabletalk only.
    #[arg(long)]
    pub mixed: bool,
    /// Percent of sends that are changes instead (Tabletalk only, not with `--mixed`): each edits or reacts to
    /// its connection's last acknowledged message, alternately, and is timed to its delivery like a send.
    #[arg(long, default_value_t = 0)]
    pub changes: u32,
    /// Percent of connections that also say they are typing, every 1.25 s each (`chat.typing` to the whole
    /// room; Tabletalk only): the cost of typing beside the messages.
    #[arg(long, default_value_t = 0)]
    pub typing: u32,
    /// Longest wait after the last send for outstanding deliveries and acks.
    #[arg(long, default_value_t = 10.0)]
    pub drain_seconds: f64,
    /// Connections opened at once while connecting.
    #[arg(long, default_value_t = 128)]
    pub connect_concurrency: usize,
    /// History requests to time before sending (Tabletalk only; a player of the first room asks).
    #[arg(long, default_value_t = 0)]
    pub history: u32,
    /// The server's process id, to report its memory.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Write the report as JSON here too.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Exit with failure unless delivery was exact and nothing was refused.
    #[arg(long)]
    pub check: bool,
    /// Sends one socket keeps unanswered at once, as a client that waits for acks does (Tabletalk only; 0 for
    /// none: every send goes on the wire at its time). Sends past the window wait in the client, still timed
    /// from their intended send.
    #[arg(long, default_value_t = 0)]
    pub window: usize,
    /// Load-generator worker threads (1 keeps it on one core).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

fn main() -> std::process::ExitCode {
    let options = Options::parse();
    let runtime = if options.threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(options.threads)
            .enable_all()
            .build()
    };
    let outcome = runtime
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(run(options)));
    match outcome {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(error) => {
            eprintln!("tabletalk-load: {error}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(options: Options) -> Result<bool, String> {
    let plan = match (&options.plan, options.target) {
        (Some(path), _) => Plan::read(path)?,
        (None, Target::Tabletalk) => return Err("Tabletalk needs --plan (tabletalk seed --bench-rooms ...)".into()),
        (None, _) => Plan::synthetic(options.rooms, options.members),
    };
    if options.changes > 0 && (options.mixed || options.target != Target::Tabletalk) {
        return Err("--changes works on Tabletalk without --mixed (a change reaches its message's audience)".into());
    }
    if options.mixed && options.target != Target::Tabletalk {
        return Err("--mixed needs audiences, which only Tabletalk has".into());
    }
    let connections = plan.connections();
    let planned: f64 = options.rates.iter().map(|r| f64::from(*r) * options.seconds).sum();
    let shared = Arc::new(Shared::new(
        options.rates.len(),
        planned.ceil() as usize + 1,
        options.url.len(),
    ));
    let memory_before = options.server_pid.and_then(stats::memory_kib);

    let connect_started = Instant::now();
    let (senders, tasks) = open_all(&options, &plan, &connections, &shared).await?;
    let connect_seconds = connect_started.elapsed().as_secs_f64();
    let memory_connected = options.server_pid.and_then(stats::memory_kib);
    eprintln!("{} connections joined in {connect_seconds:.1} s", connections.len());

    if options.history > 0 {
        time_history(&options, &senders, &shared).await;
    }
    let (expected, sent, send_seconds) = send_phases(&options, &plan, &connections, &senders, &shared).await;
    let expected_total: u64 = expected.iter().map(|e| e.len() as u64).sum();
    drain(&options, &shared, expected_total, sent).await;
    let memory_after = options.server_pid.and_then(stats::memory_kib);

    let _ = shared.stop.send(true);
    drop(senders);
    let mut verdicts = Vec::with_capacity(tasks.len());
    for (task, expected) in tasks.into_iter().zip(&expected) {
        let received = task.await.map_err(|e| e.to_string())?;
        verdicts.push(verify::check(expected, received));
    }
    let verdict = verify::total(verdicts);
    let summary = report::Summary {
        options: &options,
        connections: connections.len(),
        rooms: plan.rooms.len(),
        connect_seconds,
        send_seconds: &send_seconds,
        sent,
        expected_deliveries: expected_total,
        verdict,
        memory_before,
        memory_connected,
        memory_after,
    };
    report::print(&summary, &shared);
    if let Some(path) = &options.json {
        std::fs::write(path, report::json(&summary, &shared).to_string()).map_err(|e| e.to_string())?;
    }
    let refused = shared.errors.load(Ordering::Relaxed);
    Ok(!options.check || (verdict.exact() && refused == 0))
}

type Tasks = Vec<tokio::task::JoinHandle<Vec<u64>>>;

/// Opens and joins every connection, a bounded number at a time.
async fn open_all(
    options: &Options,
    plan: &Plan,
    connections: &[(usize, usize)],
    shared: &Arc<Shared>,
) -> Result<(Vec<mpsc::Sender<Command>>, Tasks), String> {
    let gate = Arc::new(Semaphore::new(options.connect_concurrency.max(1)));
    let run: Arc<str> = Arc::from(protocol::run_tag());
    let mut joins = Vec::with_capacity(connections.len());
    for &(room, member) in connections {
        let instance = shared.spread.instance_of(room, member);
        let endpoint = Endpoint {
            target: options.target,
            url: protocol::url(options.target, &options.url[instance]),
            instance,
            room: Arc::from(plan.rooms[room].channel_id.as_str()),
            token: plan.rooms[room].members[member].token.clone(),
            run: run.clone(),
            window: options.window,
            typing: options.target == Target::Tabletalk && ((room * 131 + member * 17) % 100) < options.typing as usize,
        };
        let gate = gate.clone();
        joins.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            let socket = client::connect(&endpoint).await?;
            Ok::<_, String>((endpoint, socket))
        }));
    }
    let mut senders = Vec::with_capacity(joins.len());
    let mut tasks = Vec::with_capacity(joins.len());
    for join in joins {
        let (endpoint, socket) = join.await.map_err(|e| e.to_string())??;
        let (sender, receiver) = mpsc::channel(256);
        senders.push(sender);
        tasks.push(tokio::spawn(client::run(endpoint, socket, receiver, shared.clone())));
    }
    Ok((senders, tasks))
}

/// Asks for the newest history page `--history` times, 100 per second, from a player of the first room.
async fn time_history(options: &Options, senders: &[mpsc::Sender<Command>], shared: &Shared) {
    let asker = &senders[1.min(senders.len() - 1)];
    let mut ticks = tokio::time::interval(Duration::from_millis(10));
    for _ in 0..options.history {
        ticks.tick().await;
        let _ = asker.send(Command::History).await;
    }
    let deadline = Instant::now() + Duration::from_secs_f64(options.drain_seconds);
    while shared.history.lock().map(|h| h.len()).unwrap_or(0) < u64::from(options.history) && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sends every phase open-loop at its rate (no send waits for an answer, so a stalled server cannot slow
/// the schedule and hide its stall), spreading sends over all connections in turn. Returns each connection's expected
/// deliveries, the number sent, and each phase's actual sending time.
async fn send_phases(
    options: &Options,
    plan: &Plan,
    connections: &[(usize, usize)],
    senders: &[mpsc::Sender<Command>],
    shared: &Shared,
) -> (Vec<Vec<u64>>, u64, Vec<f64>) {
    let mut index_of = vec![Vec::new(); plan.rooms.len()];
    for (connection, &(room, _)) in connections.iter().enumerate() {
        index_of[room].push(connection);
    }
    let user_ids: Vec<Vec<Arc<str>>> = plan
        .rooms
        .iter()
        .map(|r| r.members.iter().map(|m| Arc::from(m.user_id.as_str())).collect())
        .collect();
    let mut expected = vec![Vec::new(); connections.len()];
    let mut number = 0u64;
    let mut phase_seconds = Vec::with_capacity(options.rates.len());
    let mut ticks = tokio::time::interval(Duration::from_millis(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for (phase, &rate) in options.rates.iter().enumerate() {
        shared.current_phase.store(phase, Ordering::Relaxed);
        let planned = (f64::from(rate) * options.seconds).round() as u64;
        let began = Instant::now();
        let mut sent = 0u64;
        while sent < planned {
            ticks.tick().await;
            let due = ((began.elapsed().as_secs_f64() * f64::from(rate)) as u64).min(planned);
            while sent < due {
                number += 1;
                // Stamped when handed to its connection: the schedule is open-loop (no send waits for an
                // answer), so the ticker's own lateness is the load generator's, not the server's.
                let sent_us = shared.now_us();
                sent += 1;
                let connection = ((number - 1) % connections.len() as u64) as usize;
                let (room, member) = connections[connection];
                let reach = reach_of(number, member, plan.rooms[room].members.len(), options.mixed);
                let target_user = match reach {
                    Reach::Whisper(target) => user_ids[room][target].clone(),
                    _ => Arc::from(""),
                };
                shared.sending(number, sent_us, phase, shared.spread.instance_of(room, member));
                let command = Command::Send {
                    number,
                    sent_us,
                    phase,
                    reach,
                    target_user,
                    change: (number * 37) % 100 < u64::from(options.changes),
                };
                if senders[connection].try_send(command).is_err() {
                    shared.error("the load generator could not queue a send (connection closed or backed up)");
                    continue;
                }
                for recipient in plan.rooms[room].recipients(member, reach) {
                    expected[index_of[room][recipient]].push(number);
                }
            }
        }
        phase_seconds.push(began.elapsed().as_secs_f64());
    }
    // What arrives while the run drains arrives after every phase: counted in the totals, in no phase's rate.
    shared.current_phase.store(options.rates.len(), Ordering::Relaxed);
    (expected, number, phase_seconds)
}

/// Waits until every expected delivery and every ack (or refusal) arrived, or the drain time ran out.
async fn drain(options: &Options, shared: &Shared, expected: u64, sent: u64) {
    let deadline = Instant::now() + Duration::from_secs_f64(options.drain_seconds);
    while Instant::now() < deadline {
        let delivered = shared.delivered_total.load(Ordering::Relaxed);
        let answered = shared.acked_total.load(Ordering::Relaxed) + shared.errors.load(Ordering::Relaxed);
        if delivered >= expected && answered >= sent {
            // A moment more, so late duplicates or misdeliveries are caught too.
            tokio::time::sleep(Duration::from_millis(200)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
