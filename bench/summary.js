// Prints the tables of BENCHMARKS.md from the JSON reports scripts/bench.sh left in a folder.
// Usage: node bench/summary.js target/bench
const fs = require("fs");
const path = require("path");

const dir = process.argv[2] || "target/bench";
const targets = ["tabletalk", "socketio", "ceiling"];
const read = (name) => {
  const file = path.join(dir, `${name}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
};
const ms = (v) => (v == null ? "n/a" : v.toFixed(2));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : "n/a");
const exact = (r) => {
  const v = r.verdict;
  return v.lost + v.duplicated + v.misdelivered === 0 ? "exact" : `lost ${v.lost}, dup ${v.duplicated}, mis ${v.misdelivered}`;
};

// The highest phase that kept up: at least 95% of the offered rate, p99 within the limit.
function sustained(report, perPhase, offered, limitMs, latency) {
  let best = null;
  for (const phase of report.phases) {
    if (perPhase(phase) >= 0.95 * offered(phase) && latency(phase)[1] <= limitMs) best = phase;
  }
  return best;
}

function fanout() {
  const rows = targets.map((t) => [t, read(`fanout-${t}`)]).filter(([, r]) => r);
  if (!rows.length) return;
  console.log("\n## 10,000 connections in rooms of 8, 2,000 sends/s\n");
  console.log("| server | p50 ms | p99 ms | p99.9 ms | max ms | deliveries/s | delivery | errors |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [t, r] of rows) {
    const p = r.phases[0];
    console.log(`| ${t} | ${ms(p.deliver_ms[0])} | ${ms(p.deliver_ms[1])} | ${ms(p.deliver_ms[2])} | ${ms(p.deliver_ms[3])} | ${Math.round(p.deliveries_per_s)} | ${exact(r)} | ${r.errors} |`);
  }
}

function ramp(name, title, perPhase, offered, limitMs, latency, unit) {
  const rows = targets.map((t) => [t, read(`${name}-${t}`)]).filter(([, r]) => r);
  if (!rows.length) return;
  console.log(`\n## ${title}\n`);
  console.log(`| server | ${rows[0][1].phases.map((p) => `${p.rate}/s`).join(" | ")} | sustained ${unit} (p99 <= ${limitMs} ms) | peak ${unit} |`);
  console.log(`|---|${rows[0][1].phases.map(() => "---").join("|")}|---|---|`);
  const best = {};
  for (const [t, r] of rows) {
    const cells = r.phases.map((p) => `${Math.round(perPhase(p))} (p99 ${ms(latency(p)[1])})`);
    const top = sustained(r, perPhase, (p) => offered(r, p), limitMs, latency);
    best[t] = top ? perPhase(top) : 0;
    const peak = Math.max(...r.phases.map(perPhase));
    console.log(`| ${t} | ${cells.join(" | ")} | ${Math.round(best[t])} | ${Math.round(peak)} |`);
  }
  console.log(`\nTabletalk / ceiling: ${ratio(best.tabletalk, best.ceiling)}; Tabletalk / Socket.IO: ${ratio(best.tabletalk, best.socketio)}`);
}

function connections() {
  const rows = targets.map((t) => [t, read(`connections-${t}`)]).filter(([, r]) => r);
  if (!rows.length) return;
  console.log("\n## Connections held\n");
  console.log("| server | connections | joined in s | RSS connected MiB | KiB per connection | delivery |");
  console.log("|---|---|---|---|---|---|");
  for (const [t, r] of rows) {
    const rss = r.memory_kib.connected ? (r.memory_kib.connected[0] / 1024).toFixed(1) : "n/a";
    console.log(`| ${t} | ${r.connections} | ${r.connect_seconds.toFixed(1)} | ${rss} | ${r.kib_per_connection?.toFixed(1) ?? "n/a"} | ${exact(r)} |`);
  }
}

function history() {
  const r = read("history-tabletalk");
  if (!r || !r.history_ms) return;
  const [p50, p99, p999, max] = r.history_ms;
  console.log("\n## History: newest page of 50 visible messages, channel of 1,000,000\n");
  console.log(`Round trip over the socket: p50 ${ms(p50)} ms, p99 ${ms(p99)} ms, p99.9 ${ms(p999)} ms, max ${ms(max)} ms`);
}

function page() {
  const wasm = read("page-wasm");
  const live = read("page-live");
  if (!wasm) return;
  console.log("\n## Browser\n");
  console.log(`Release .wasm: ${(wasm.wasm_bytes / 1024).toFixed(0)} KiB raw, ${(wasm.wasm_gzip_bytes / 1024).toFixed(0)} KiB gzipped`);
  if (live) {
    console.log(`Time until live: cold p50 ${live.cold.p50_ms} ms, p95 ${live.cold.p95_ms} ms; warm p50 ${live.warm.p50_ms} ms, p95 ${live.warm.p95_ms} ms`);
  }
}

fanout();
ramp("bigroom", "One room of 1,000 members: deliveries/s per offered send rate",
  (p) => p.deliveries_per_s, (r, p) => p.rate * (r.connections / r.rooms), 100, (p) => p.deliver_ms, "deliveries/s");
ramp("durable", "Acked sends/s (Tabletalk: durable, ack after commit; peers store nothing)",
  (p) => p.acks_per_s, (r, p) => p.rate, 100, (p) => p.ack_ms, "acks/s");
connections();
history();
page();
