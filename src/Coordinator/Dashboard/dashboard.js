// The coordinator's dashboard: plain JavaScript, no library, nothing fetched from anywhere but this coordinator. It polls
// the same HTTP API the CLI uses every two seconds. Every value is put on the page as text (textContent), never as HTML,
// so a task type or an error message cannot become markup.
"use strict";

const POLL_MS = 2000;
const STATUSES = ["Scheduled", "Pending", "Assigned", "Running", "Completed", "Failed", "TimedOut", "DeadLettered", "Rejected", "Cancelled"];
const ENDED = ["Completed", "TimedOut", "DeadLettered", "Rejected", "Cancelled"];
const RERUNNABLE = ["DeadLettered", "Failed", "TimedOut", "Cancelled"];
const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === null || cell === undefined ? "" : String(cell);
    tr.appendChild(td);
  }
  return tr;
}

function replaceChildren(parent, children) {
  parent.replaceChildren(...children);
}

// Without a key (or with one no longer known) the API answers 401: the key is asked for at /login. Once: every poll
// under way answers 401 too, and each new navigation would start the last one over.
let signingIn = false;
function signInIfAsked(response) {
  if (response.status !== 401 || signingIn) return;
  signingIn = true;
  window.location.assign("/login");
}

// The anti-forgery token set beside the key's cookie at /login, echoed in a header on every change.
function csrfToken() {
  const match = document.cookie.split("; ").find((c) => c.startsWith("coordinator-csrf="));
  return match ? decodeURIComponent(match.substring("coordinator-csrf=".length)) : "";
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
  signInIfAsked(response);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Csrf-Token": csrfToken() },
    body: JSON.stringify(body ?? {}),
  });
  signInIfAsked(response);
  if (!response.ok) {
    let detail = "";
    try { detail = (await response.json()).error ?? ""; } catch { /* not JSON */ }
    throw new Error(`${response.status} ${detail}`);
  }
  try { return await response.json(); } catch { return {}; } // a body-less answer
}

const ago = (iso) => {
  if (!iso) return "never";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return seconds < 90 ? `${seconds.toFixed(1)} s ago` : seconds < 5400 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
};
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");
const percent = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`);

// ---- pages ----

let page = "overview";
function show(name) {
  page = ["overview", "agents", "tasks"].includes(name) ? name : "overview";
  for (const section of document.querySelectorAll(".page")) section.hidden = section.id !== page;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.dataset.page === page);
  refresh();
}
window.addEventListener("hashchange", () => show(location.hash.slice(1)));

// ---- overview ----

function card(label, value) {
  const div = el("div", null, "card");
  div.appendChild(el("div", value, "value"));
  div.appendChild(el("div", label, "label"));
  return div;
}

function chart(svg, points, label) {
  const width = 600, height = 160, pad = 18;
  const max = Math.max(1, ...points.map((p) => p.y));
  const now = Date.now(), span = 15 * 60 * 1000;
  const x = (t) => pad + ((t - (now - span)) / span) * (width - 2 * pad);
  const y = (v) => height - pad - (v / max) * (height - 2 * pad);
  const children = [];
  const ns = "http://www.w3.org/2000/svg";
  if (points.length > 1) {
    const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ");
    const area = document.createElementNS(ns, "path");
    area.setAttribute("class", "area");
    area.setAttribute("d", `${d} L${x(points[points.length - 1].t).toFixed(1)},${height - pad} L${x(points[0].t).toFixed(1)},${height - pad} Z`);
    const line = document.createElementNS(ns, "path");
    line.setAttribute("class", "line");
    line.setAttribute("d", d);
    children.push(area, line);
  }
  const top = document.createElementNS(ns, "text");
  top.setAttribute("x", "2"); top.setAttribute("y", "12");
  top.textContent = `${label} max ${Math.round(max)}`;
  const last = document.createElementNS(ns, "text");
  last.setAttribute("x", String(width - 120)); last.setAttribute("y", "12");
  last.textContent = points.length ? `now ${Math.round(points[points.length - 1].y)}` : "no samples yet";
  children.push(top, last);
  svg.replaceChildren(...children);
}

async function refreshOverview() {
  const [metrics, history, scaling, alerts] = await Promise.all([
    getJson("/api/metrics"), getJson("/api/metrics/history"), getJson("/api/scaling"), getJson("/api/alerts").catch(() => null),
  ]);
  const figures = metrics.system.figures;
  replaceChildren($("cards"), [
    card("agents (active / total)", `${metrics.system.activeAgents} / ${metrics.system.totalAgents}`),
    card("throughput per minute", figures.throughputPerMinute),
    card("average response", figures.averageResponseSeconds === null ? "–" : `${figures.averageResponseSeconds.toFixed(2)} s`),
    card("error rate (5 min)", percent(figures.errorRate)),
    card("utilisation", percent(figures.utilisation)),
    card("queue depth", (metrics.queueDepth ?? 0) + metrics.waiting),
    card("in flight", metrics.inFlight),
    card("load balance (Jain)", metrics.coordination.loadBalance ?? "–"),
  ]);
  replaceChildren($("states"), Object.entries(metrics.agents).sort().map(([state, count]) => {
    const li = el("li", `${state} ${count}`);
    li.classList.add("state", `state-${state}`);
    li.dataset.state = state;
    return li;
  }));
  const samples = history.samples.map((s) => ({ ...s, t: Date.parse(s.at) }));
  // Throughput at each sample: the tasks completed in the minute up to it.
  const trailingMinute = (i) => samples.filter((s, j) => j <= i && samples[i].t - s.t < 60_000).reduce((sum, s) => sum + s.completed, 0);
  chart($("chart-throughput"), samples.map((s, i) => ({ t: s.t, y: trailingMinute(i) })), "tasks/min");
  chart($("chart-backlog"), samples.map((s) => ({ t: s.t, y: s.backlog })), "waiting");

  const moves = (scaling.decisions ?? []).filter((d) => d.action === "Up" || d.action === "Down").slice(0, 8);
  replaceChildren($("scaling"), moves.length ? moves.map((d) => el("li", `${time(d.at)} ${d.action} (${d.trigger}) ${d.current}→${d.desired}: ${d.reason}`))
    : [el("li", scaling.enabled ? "no scaling yet" : "scaling is off", "muted")]);
  const list = alerts?.alerts ?? [];
  replaceChildren($("alerts"), list.length ? list.slice(0, 10).map((a) => {
    const li = el("li", `${time(a.raisedAt)} ${a.rule}: ${a.message}${a.resolvedAt ? ` (resolved ${time(a.resolvedAt)})` : ""}`);
    li.className = a.resolvedAt ? "resolved" : "firing";
    return li;
  }) : [el("li", alerts ? "no alerts" : "alerts unavailable", "muted")]);
}

// ---- agents ----

async function act(agentId, action) {
  const message = $("agent-message");
  try {
    if (action === "drain") {
      if (!confirm(`Drain agent ${agentId}? It finishes what it holds and takes nothing new.`)) return;
      await post(`/api/agents/${encodeURIComponent(agentId)}/drain`);
    } else {
      const reason = prompt(`Mark agent ${agentId} failed: its work moves elsewhere. Reason?`, "marked failed from the dashboard");
      if (reason === null) return;
      await post(`/api/agents/${encodeURIComponent(agentId)}/failure`, { reason });
    }
    message.textContent = `${action === "drain" ? "Drain" : "Failure"} of ${agentId} sent.`;
  } catch (error) {
    message.textContent = `Could not ${action} ${agentId}: ${error.message}`;
  }
  refresh();
}

// Completion rate, average duration, failed attempts and how its measured use compares with what its tasks reserved.
function record(load) {
  if (!load) return "";
  const parts = [];
  const done = load.performance.completed + load.performance.failed;
  parts.push(done ? `${load.performance.completed} of ${done} completed (${percent(load.completionRate)})` : "nothing run yet");
  if (load.averageTaskSeconds !== null) parts.push(`avg ${load.averageTaskSeconds.toFixed(2)} s`);
  const efficiency = load.resourceEfficiency;
  if (efficiency && (efficiency.cpu !== null || efficiency.memory !== null)) {
    parts.push(`use/reserved: CPU ${efficiency.cpu ?? "–"}, memory ${efficiency.memory ?? "–"}`);
  }
  return parts.join(", ");
}

async function refreshAgents() {
  const [agents, metrics] = await Promise.all([getJson("/api/agents"), getJson("/api/metrics")]);
  const load = new Map(metrics.load.map((l) => [l.agentId, l]));
  const reserved = new Map(metrics.resources.agents.map((a) => [a.agentId, a]));
  replaceChildren($("agent-rows"), agents.map((agent) => {
    const l = load.get(agent.agentId);
    const r = reserved.get(agent.agentId);
    const live = !["Failed", "Unregistered"].includes(agent.state);
    const actions = document.createElement("span");
    if (live) {
      const drain = el("button", "Drain");
      drain.type = "button";
      drain.addEventListener("click", () => act(agent.agentId, "drain"));
      const fail = el("button", "Mark failed");
      fail.type = "button";
      fail.addEventListener("click", () => act(agent.agentId, "fail"));
      actions.append(drain, fail);
    }
    const tr = row([
      agent.agentId,
      el("span", agent.state, `state state-${agent.state}`),
      agent.capabilities.join(", "),
      l ? `${l.inFlight} / ${agent.maxConcurrentTasks}` : `– / ${agent.maxConcurrentTasks}`,
      r ? `${r.allocated.cpuCores} of ${agent.resources.cpuCores} cores, ${r.allocated.memoryMb} of ${agent.resources.memoryMb} MB` : `${agent.resources.cpuCores} cores, ${agent.resources.memoryMb} MB`,
      `${agent.health.usage.cpuPercent.toFixed(0)} % CPU, ${agent.health.usage.memoryMb} MB`,
      `${agent.health.reportedStatus} / ${agent.health.assessedStatus}${agent.health.errorCount ? `, ${agent.health.errorCount} errors` : ""}`,
      record(l),
      ago(agent.lastHeartbeat),
      agent.stateReason,
      actions,
    ]);
    tr.dataset.agentId = agent.agentId;
    tr.dataset.state = agent.state;
    return tr;
  }));
}

// ---- tasks ----

let selectedTask = null;
const statusSelect = $("filter-status");
for (const status of STATUSES) statusSelect.appendChild(el("option", status));
statusSelect.addEventListener("change", () => refresh());
$("filter-type").addEventListener("input", () => refresh());
$("task-filter").addEventListener("submit", (e) => e.preventDefault());
$("detail-close").addEventListener("click", () => { selectedTask = null; $("task-detail").hidden = true; });
$("detail-cancel").addEventListener("click", async () => {
  const taskId = selectedTask;
  const reason = prompt(`Cancel task ${taskId}? A waiting task never starts; a running one is stopped. Reason?`, "cancelled from the dashboard");
  if (reason === null) return;
  try {
    await post(`/api/tasks/${encodeURIComponent(taskId)}/cancel`, { reason });
    $("task-message").textContent = `Task ${taskId} cancelled.`;
  } catch (error) {
    $("task-message").textContent = `Could not cancel ${taskId}: ${error.message}`;
  }
  refresh();
});

/** "42% step 3 of 7" while a task reports progress; empty before any. */
function progressText(task) {
  if (!task.progress) return "";
  return `${Math.round(task.progress.percent * 10) / 10}%${task.progress.message ? ` ${task.progress.message}` : ""}`;
}

$("detail-rerun").addEventListener("click", async () => {
  const taskId = selectedTask;
  if (!confirm(`Re-run task ${taskId}? It starts a fresh series of attempts; its history keeps this run.`)) return;
  try {
    const answer = await post(`/api/tasks/${encodeURIComponent(taskId)}/retry`, {});
    $("task-message").textContent = `Task ${taskId} re-run from attempt ${answer.attempt}.`;
  } catch (error) {
    $("task-message").textContent = `Could not re-run ${taskId}: ${error.message}`;
  }
  refresh();
});
$("rerun-matching").addEventListener("click", async () => {
  const status = statusSelect.value;
  const type = $("filter-type").value.trim();
  if (!confirm(`Re-run every ${status} task${type ? ` of type ${type}` : ""} (up to 1000)?`)) return;
  try {
    const answer = await post("/api/tasks/retry", { status: [status], type: type || null, limit: 1000 });
    $("rerun-message").textContent = `${answer.rerun.length} task(s) re-run${answer.refused.length ? `, ${answer.refused.length} left as they were` : ""}${answer.more ? "; more matched" : ""}.`;
  } catch (error) {
    $("rerun-message").textContent = `Could not re-run: ${error.message}`;
  }
  refresh();
});

async function refreshTasks() {
  const query = new URLSearchParams({ pageSize: "100" });
  if (statusSelect.value) query.set("status", statusSelect.value);
  const type = $("filter-type").value.trim();
  if (type) query.set("type", type);
  const tasks = await getJson(`/api/tasks?${query}`);
  $("rerun-matching").hidden = !RERUNNABLE.includes(statusSelect.value) || tasks.total === 0;
  replaceChildren($("task-rows"), tasks.items.map((task) => {
    const tr = row([task.taskId, task.taskType, el("span", task.status, `status-${task.status}`), progressText(task), task.attempts, task.agentId ?? "",
      time(task.submittedAt), time(task.finishedAt)]);
    tr.className = "clickable";
    tr.dataset.taskId = task.taskId;
    tr.dataset.status = task.status;
    tr.addEventListener("click", () => { selectedTask = task.taskId; refreshDetail(); });
    return tr;
  }));
  $("task-count").textContent = `${tasks.items.length} of ${tasks.total}${tasks.totalCapped ? "+" : ""} task(s)`;
  if (selectedTask) await refreshDetail();
}

async function refreshDetail() {
  const task = await getJson(`/api/tasks/${encodeURIComponent(selectedTask)}`);
  $("detail-id").textContent = task.taskId;
  const fields = [
    ["type", task.taskType], ["status", task.status], ["reason", task.reason], ["attempts", task.attempts], ["agent", task.agentId],
    ["priority", task.priority], ["needs", (task.requiredCapabilities ?? []).join(", ")],
    ["submitted", task.submittedAt], ["assigned", task.assignedAt], ["started", task.startedAt], ["finished", task.finishedAt],
    ["deadline", task.deadline], ["result", task.result === null || task.result === undefined ? null : JSON.stringify(task.result, null, 2)],
    ["error", task.error], ["progress", progressText(task)],
    ["earlier runs", (task.earlierRuns ?? []).map((r) => `attempts ${r.firstAttempt}-${r.lastAttempt}: ${r.status}${r.error ? ` (${r.error})` : r.reason ? ` (${r.reason})` : ""}`).join("; ")],
    ["checkpoint", task.checkpoint === null || task.checkpoint === undefined ? null : `${JSON.stringify(task.checkpoint)} (${time(task.checkpointAt)})`],
  ];
  const dl = $("detail-fields");
  dl.replaceChildren(...fields.filter(([, v]) => v !== null && v !== undefined && v !== "").flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
  $("detail-cancel").hidden = ENDED.includes(task.status);
  $("detail-rerun").hidden = !RERUNNABLE.includes(task.status);
  $("task-detail").hidden = false;
}

// ---- polling ----

// One refresh at a time. One asked for meanwhile (a filter typed, a page opened, an action taken while a poll was under way)
// runs as soon as that one ends: it must not wait for the next poll, showing what the last filter matched until then.
let running = false;
let again = false;
async function refresh() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      try {
        if (page === "overview") await refreshOverview();
        else if (page === "agents") await refreshAgents();
        else await refreshTasks();
        $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
        $("updated").dataset.ok = "true";
      } catch (error) {
        $("updated").textContent = `cannot reach the coordinator: ${error.message}`;
        $("updated").dataset.ok = "false";
      }
    } while (again);
  } finally {
    running = false;
  }
}

show(location.hash.slice(1) || "overview");
// A poll that finds a refresh under way is skipped, not queued: a slow API is not asked again back to back.
setInterval(() => { if (!running) refresh(); }, POLL_MS);
