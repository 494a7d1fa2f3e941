// amdsim web replay viewer: Leaflet map, land from world-atlas (topojson), movers with trails,
// perceived tracks, sensor coverage rings (4/3-earth horizon), engagement list and timeline.
"use strict";

const K_EARTH = 4 / 3, R_EARTH = 6371000.0;
// One colour per nation, as in the report (review/palette.py; tests/review/test_palette.py checks they agree):
// nations in the movers' order, blue-side ones from .blue, red-side ones from .red, others .other.
const NATION_PALETTE = {
  blue: ["#1f5fbf", "#1a9e77", "#7b4fc9", "#0b8fd9", "#5b7d2a", "#8c6d1f", "#3d3d9e", "#2aa1a1"],
  red: ["#d62728", "#e67e00", "#b8327d", "#8c2d19"],
  other: "#777777",
};
const NATION_COLOR = new Map();
function assignNationColors(mv) {
  const used = { blue: 0, red: 0 };
  for (let i = 0; i < mv.nation.length; i++) {
    const n = mv.nation[i], side = mv.side[i];
    if (NATION_COLOR.has(n)) continue;
    const pool = NATION_PALETTE[side];
    NATION_COLOR.set(n, side in used ? pool[used[side]++ % pool.length] : NATION_PALETTE.other);
  }
  V.nationColors = Object.fromEntries(NATION_COLOR);
}
const colorOf = (info) => NATION_COLOR.get(info.nation) || "#666";
const EVENT_COLOR = { launch: "#a00", detection: "#d9b300", interceptor_launch: "#2a6cff",
  intercept: "#0a0", impact: "#f70", engagement_order: "#888" };
const TRAIL_S = 120;

const V = (window.amdsimViewer = { time: 0, t0: 0, t1: 1, markers: {}, ready: false, lonCenter: 0 });
// the columns of states.parquet the page draws (the rest stay on the server: large runs load faster)
const STATE_COLUMNS = "time_s,mover_id,lat_deg,lon_deg,alt_m,alive,speed_mps,heading_deg";
const $ = (id) => document.getElementById(id);

function showError(msg) { const e = $("error"); e.textContent = msg; e.hidden = false; }

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

// Without Leaflet or topojson-client (assets not installed) nothing below can run: say so on the page,
// with the server's own explanation (the 503 body of the missing file), and stop.
if (typeof L === "undefined" || typeof topojson === "undefined") {
  const box = $("error");
  box.className = "fatal";
  showError("The map libraries (Leaflet, topojson-client) did not load: amdsim's viewer assets are missing. " +
    "Fix: reinstall amdsim from a wheel built with its assets, or in a source checkout run `make install` " +
    "(npm --prefix src/amdsim/review/viewer ci).");
  fetch("/vendor/leaflet/dist/leaflet.js").then(async (r) => {
    if (!r.ok) showError(`The map libraries did not load (${r.status}): ${await r.text()}`);
  }).catch(() => {});
  throw new Error("amdsim viewer: assets missing (Leaflet/topojson-client not loaded)");
}

const map = L.map("map", { preferCanvas: false, worldCopyJump: false, attributionControl: false });
map.setView([30, 0], 3);
const landPane = map.createPane("land"); landPane.style.zIndex = 250;
const moverLayer = L.layerGroup().addTo(map);
const trailLayer = L.layerGroup().addTo(map);
const trackLayer = L.layerGroup().addTo(map);
const ringLayer = L.layerGroup().addTo(map);
V.layers = { movers: moverLayer, trails: trailLayer, tracks: trackLayer, rings: ringLayer };
V.map = map;

async function loadLand() {
  try {
    const topo = await getJSON("/vendor/world-atlas/land-50m.json");
    V.land = topojson.feature(topo, topo.objects.land);
    addLand(0);
  } catch (err) { showError(`land outline unavailable: ${err.message}`); }
}

// [min, max] of the finite values of a (possibly huge) column; never Math.min(...a), which overflows
// the call stack past ~100k values
function extent(a) {
  let lo = Infinity, hi = -Infinity;
  for (const v of a) { if (v === null || !Number.isFinite(v)) continue; if (v < lo) lo = v; if (v > hi) hi = v; }
  return lo <= hi ? [lo, hi] : null;
}

// centre (deg) of the smallest arc of longitude holding every point: the antipode of the middle of the
// largest empty gap, found in 1-degree bins (review/extent.py lon_center_deg, exactly, for the report)
function lonCenter(lons) {
  const bins = new Uint8Array(360);
  let any = false;
  for (const l of lons) if (l !== null && Number.isFinite(l)) { bins[((Math.floor(l) % 360) + 360) % 360] = 1; any = true; }
  if (!any) return 0;
  let best = -1, bestLen = 0, run = 0;
  for (let i = 0; i < 720; i++) {                 // twice round: a gap may wrap past 0
    if (bins[i % 360]) { run = 0; continue; }
    run++;
    if (run > bestLen && run <= 360) { bestLen = run; best = i; }
  }
  if (bestLen === 0) return 0;
  const mid = best + 1 - bestLen / 2;              // middle of the gap: bins best-bestLen+1 .. best, 1 deg each
  return ((mid + 180 + 180) % 360 + 360) % 360 - 180;
}

// a longitude shifted by whole turns into [c - 180, c + 180): a run across the antimeridian is drawn
// across it, not across the world (Leaflet draws longitudes beyond +-180 where they belong)
function unwrapLon(l, c) { return l === null ? l : l - 360 * Math.floor((l - c + 180) / 360); }
function wrap180(d) { return d - 360 * Math.round(d / 360); }

// world-atlas land shifted by `turn` degrees (a copy east or west of the antimeridian for a run there)
const landTurns = new Set();
function addLand(turn) {
  if (!V.land || landTurns.has(turn)) return;
  landTurns.add(turn);
  L.geoJSON(V.land, { pane: "land", interactive: false, coordsToLatLng: (p) => L.latLng(p[1], p[0] + turn),
    style: () => ({ className: "land", fillColor: "#e8e4d8", fillOpacity: 1, color: "#7a7a6a", weight: 0.8 }) }).addTo(map);
}

// columnar table -> per-key index sorted by time
function indexBy(table, key) {
  const out = new Map();
  const n = (table.time_s || []).length;
  for (let i = 0; i < n; i++) {
    const k = table[key][i];
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(i);
  }
  for (const rows of out.values()) rows.sort((a, b) => table.time_s[a] - table.time_s[b]);
  return out;
}

function lastAtOrBefore(times, rows, t) {
  let lo = 0, hi = rows.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[rows[mid]] <= t + 1e-9) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}

let RUN = null, STATES = null, EVENTS = null, TRACKS = null, ENG = null, MAG = null;
let byMover = new Map(), byTrack = new Map(), moverInfo = new Map(), byLauncher = new Map();

// magazines.parquet rows of one host mover at time t: per shooter (a host may carry several), the
// latest row of each launcher at or before t (rows are written at the output rate and on changes)
function magazineAt(mid, t) {
  const out = new Map();
  if (!MAG || !MAG.time_s) return out;
  for (const [key, rows] of byLauncher) {
    const i0 = rows[0];
    if (MAG.shooter_id[i0] !== mid) continue;
    const k = lastAtOrBefore(MAG.time_s, rows, t); if (k < 0) continue;
    const i = rows[k], name = MAG.shooter[i];
    if (!out.has(name)) out.set(name, []);
    out.get(name).push(i);
  }
  return out;
}

function magazineText(mid, t) {
  let txt = "";
  const sumAll = (RUN.summary && RUN.summary.magazines) || {};
  for (const [name, rows] of magazineAt(mid, t)) {
    rows.sort((a, b) => MAG.launcher[a] - MAG.launcher[b]);
    const tot = (col) => rows.reduce((acc, i) => acc + (MAG[col][i] || 0), 0);
    const i0 = rows[0], s = sumAll[name] || {};
    txt += `\nmagazine ${name} (${MAG.nation[i0]}, ${MAG.interceptor_type[i0]}): ${tot("rounds_ready")} ready` +
      `, ${tot("rounds_reserved")} booked, ${tot("rounds_in_reload")} in reload, ${MAG.reloads_left[i0]} spare` +
      `; ballistic reserve ${MAG.ballistic_reserve[i0]}`;
    if (s.magazine_size !== undefined) txt += `\n  size ${s.magazine_size} on ${s.launchers} launchers, ${s.reloads} reloads; at the end: fired ${s.fired}, left ${s.left}, reloads used ${s.reloads_used}`;
    for (const i of rows) {
      txt += `\n  launcher ${MAG.launcher[i]}: ${MAG.rounds_ready[i]} ready, ${MAG.rounds_reserved[i]} booked`;
      if (MAG.rounds_in_reload[i] > 0) txt += `, ${MAG.rounds_in_reload[i]} loading until ${Number(MAG.reload_done_s[i]).toFixed(0)} s`;
    }
  }
  return txt;
}

function moverPosition(mid, t) {
  const rows = byMover.get(mid); if (!rows) return null;
  const k = lastAtOrBefore(STATES.time_s, rows, t);
  if (k < 0) return null;
  const i = rows[k];
  const tEnd = STATES.time_s[rows[rows.length - 1]];
  if (t > tEnd + 1e-9 && (STATES.alive ? !STATES.alive[i] || moverInfo.get(mid)?.isMissile : true)) return null;
  if (k + 1 < rows.length) {
    const j = rows[k + 1], ta = STATES.time_s[i], tb = STATES.time_s[j];
    const f = tb > ta ? (t - ta) / (tb - ta) : 0;
    return [STATES.lat_deg[i] + f * (STATES.lat_deg[j] - STATES.lat_deg[i]),
      STATES.lon_deg[i] + f * wrap180(STATES.lon_deg[j] - STATES.lon_deg[i]), STATES.alt_m[i] + f * (STATES.alt_m[j] - STATES.alt_m[i]), i];
  }
  return [STATES.lat_deg[i], STATES.lon_deg[i], STATES.alt_m[i], i];
}

function moverStyle(info) {
  const color = colorOf(info);
  const r = { ballistic_missile: 5, cruise_missile: 4, interceptor: 3 }[info.kind] || 7;
  return { radius: r, color, weight: info.isMissile ? 1 : 2, fillColor: color, fillOpacity: info.isMissile ? 1 : 0.35 };
}

function buildMovers() {
  moverLayer.clearLayers(); V.markers = {};
  for (const mid of byMover.keys()) {
    const info = moverInfo.get(mid) || { name: String(mid), kind: "?", side: "", force: "" };
    const m = L.circleMarker([0, 0], moverStyle(info));
    m.on("click", () => showDetails(mid));
    m.bindTooltip(`${info.name} (${info.kind})`);
    V.markers[mid] = m;
  }
}

function showDetails(mid) {
  const info = moverInfo.get(mid) || {};
  const p = moverPosition(mid, V.time);
  let txt = `${info.name}  [id ${mid}]\nkind: ${info.kind}  type: ${info.type}\nforce: ${info.force} (${info.side}, ${info.nation})`;
  if (p) {
    const i = p[3];
    txt += `\nlat ${p[0].toFixed(4)}  lon ${p[1].toFixed(4)}  alt ${p[2].toFixed(0)} m`;
    txt += `\nspeed ${(STATES.speed_mps[i] || 0).toFixed(0)} m/s  heading ${(STATES.heading_deg[i] || 0).toFixed(0)} deg`;
  }
  const shots = (ENG.target_id || []).map((t, k) => [t, k]).filter(([t, k]) => t === mid || ENG.interceptor_id[k] === mid || ENG.shooter_id[k] === mid);
  txt += magazineText(mid, V.time);
  for (const [, k] of shots) txt += `\nshot ${ENG.shot_id[k]}: interceptor ${ENG.interceptor_id[k]} -> ${ENG.target_id[k]} ${ENG.outcome[k]}`;
  $("details").textContent = txt;
  V.selected = mid;
}

function horizonRange(h1, h2) {
  const a = Math.sqrt(2 * K_EARTH * R_EARTH * Math.max(h1, 0)), b = Math.sqrt(2 * K_EARTH * R_EARTH * Math.max(h2, 0));
  return a + b;
}

function drawRings() {
  ringLayer.clearLayers();
  const sens = RUN.sensors || {}; const h2 = Number($("ringAlt").value) || 0;
  for (let k = 0; k < (sens.sensor_id || []).length; k++) {
    const p = moverPosition(sens.host_id[k], V.time); if (!p) continue;
    const h1 = p[2] + (sens.height_offset_m ? sens.height_offset_m[k] || 0 : 0);
    const r = Math.min(horizonRange(h1, h2), sens.max_range_m[k]);
    const info = moverInfo.get(sens.host_id[k]) || {};
    L.circle([p[0], p[1]], { radius: r, color: colorOf(info), weight: 1, fill: false, dashArray: "4 4", interactive: false })
      .bindTooltip(`${sens.name[k]}: ${(r / 1000).toFixed(0)} km vs ${h2} m`).addTo(ringLayer);
  }
}

function drawTracks() {
  trackLayer.clearLayers();
  if (!$("showTracks").checked || !TRACKS.time_s) return;
  const force = $("trackForce").value;
  for (const [key, rows] of byTrack) {
    if (!key.startsWith(force + "/")) continue;
    const k = lastAtOrBefore(TRACKS.time_s, rows, V.time); if (k < 0) continue;
    const i = rows[k];
    if (V.time - TRACKS.time_s[i] > 2 * (RUN.outputRate || 5)) continue;
    L.circleMarker([TRACKS.lat_deg[i], TRACKS.lon_deg[i]], { radius: 6, color: "#000", weight: 1, fill: false, dashArray: "2 2" })
      .bindTooltip(`track ${TRACKS.track_id[i]} of ${force} (truth ${TRACKS.truth_id[i]}` +
        (TRACKS.error_m && Number.isFinite(TRACKS.error_m[i]) ? `, off by ${Math.round(TRACKS.error_m[i])} m` : "") +
        (TRACKS.pos_sigma_m ? `, sigma ${Math.round(TRACKS.pos_sigma_m[i])} m)` : ")")).addTo(trackLayer);
  }
}

function setTime(t) {
  t = Math.max(V.t0, Math.min(V.t1, Number(t)));
  V.time = t; $("slider").value = t; $("clock").textContent = `t = ${t.toFixed(1)} s`;
  trailLayer.clearLayers();
  for (const [mid, m] of Object.entries(V.markers)) {
    const id = Number(mid);
    const p = moverPosition(id, t);
    if (!p) { moverLayer.removeLayer(m); continue; }
    m.setLatLng([p[0], p[1]]);
    if (!moverLayer.hasLayer(m)) moverLayer.addLayer(m);
    const info = moverInfo.get(id);
    if (info && info.isMissile) {
      const rows = byMover.get(id); const pts = [];
      for (const i of rows) { const ti = STATES.time_s[i]; if (ti <= t && ti >= t - TRAIL_S) pts.push([STATES.lat_deg[i], STATES.lon_deg[i]]); }
      pts.push([p[0], p[1]]);
      // split where a leg still jumps by more than half the world (a mover that circles the globe)
      const parts = [[]];
      for (const q of pts) {
        const cur = parts[parts.length - 1];
        if (cur.length && Math.abs(q[1] - cur[cur.length - 1][1]) > 180) parts.push([]);
        parts[parts.length - 1].push(q);
      }
      for (const part of parts) {
        if (part.length > 1) L.polyline(part, { color: colorOf(info), weight: 1, opacity: 0.7, interactive: false }).addTo(trailLayer);
      }
    }
  }
  drawTracks(); drawRings();
  const now = document.querySelector("#timeline .now");
  if (now) now.style.left = `${(100 * (t - V.t0)) / Math.max(V.t1 - V.t0, 1e-9)}%`;
  if (V.selected !== undefined) showDetails(V.selected);
}

function buildEvents() {
  const list = $("events"); list.textContent = "";
  const tl = $("timeline"); tl.textContent = "";
  const kinds = ["launch", "detection", "engagement_order", "interceptor_launch", "intercept", "impact"];
  const n = (EVENTS.time_s || []).length;
  const order = [...Array(n).keys()].sort((a, b) => EVENTS.time_s[a] - EVENTS.time_s[b]);
  for (const i of order) {
    const kind = EVENTS.kind[i]; if (!kinds.includes(kind)) continue;
    const t = EVENTS.time_s[i];
    const actor = moverInfo.get(EVENTS.actor_id[i])?.name ?? EVENTS.actor_id[i];
    const target = moverInfo.get(EVENTS.target_id[i])?.name ?? EVENTS.target_id[i];
    const li = document.createElement("li");
    li.className = `event ev-${kind}`; li.dataset.time = String(t);
    li.textContent = `${t.toFixed(1)} s  ${kind}  ${actor} -> ${target}  ${EVENTS.detail[i] || ""}`;
    li.style.borderLeft = `4px solid ${EVENT_COLOR[kind] || "#888"}`;
    li.addEventListener("click", () => { pause(); setTime(t); });
    list.appendChild(li);
    const tick = document.createElement("div");
    tick.className = "tick"; tick.title = li.textContent;
    tick.style.left = `${(100 * (t - V.t0)) / Math.max(V.t1 - V.t0, 1e-9)}%`;
    tick.style.top = `${2 + 7 * kinds.indexOf(kind)}px`;
    tick.style.background = EVENT_COLOR[kind] || "#888";
    tick.addEventListener("click", () => { pause(); setTime(t); });
    tl.appendChild(tick);
  }
  const now = document.createElement("div"); now.className = "now"; tl.appendChild(now);
}

let timer = null, lastWall = 0;
function pause() { if (timer) cancelAnimationFrame(timer); timer = null; $("play").textContent = "Play"; }
function frame(wall) {
  const dt = (wall - lastWall) / 1000; lastWall = wall;
  const next = V.time + dt * Number($("speed").value);
  setTime(next);
  if (next >= V.t1) { pause(); return; }
  timer = requestAnimationFrame(frame);
}
$("play").addEventListener("click", () => {
  if (timer) { pause(); return; }
  if (V.time >= V.t1) setTime(V.t0);
  $("play").textContent = "Pause"; lastWall = performance.now(); timer = requestAnimationFrame(frame);
});
$("slider").addEventListener("input", (e) => setTime(e.target.value));
$("showTracks").addEventListener("change", drawTracks);
$("trackForce").addEventListener("change", drawTracks);
$("ringAlt").addEventListener("change", drawRings);

async function loadRep(rep) {
  V.ready = false;
  [STATES, EVENTS, TRACKS, ENG, MAG] = await Promise.all([`states?rep=${rep}&columns=${STATE_COLUMNS}`,
    `events?rep=${rep}`, `tracks?rep=${rep}`, `engagements?rep=${rep}`, `magazines?rep=${rep}`]
    .map((q) => getJSON(`/api/${q}`)));
  const c = (V.lonCenter = lonCenter(STATES.lon_deg || []));
  for (const T of [STATES, EVENTS, TRACKS]) if (T.lon_deg) T.lon_deg = T.lon_deg.map((l) => unwrapLon(l, c));
  byMover = indexBy(STATES, "mover_id");
  byLauncher = new Map();
  if (MAG.time_s) {
    MAG.key = MAG.shooter.map((s, i) => `${s}/${MAG.launcher[i]}`);
    byLauncher = indexBy(MAG, "key");
  }
  byTrack = new Map();
  if (TRACKS.time_s) {
    TRACKS.key = TRACKS.force.map((f, i) => `${f}/${TRACKS.track_id[i]}`);
    byTrack = indexBy(TRACKS, "key");
  }
  const times = STATES.time_s;
  [V.t0, V.t1] = extent(times) || [0, 1];
  const uniq = [...new Set(times)].sort((a, b) => a - b);
  RUN.outputRate = uniq.length > 1 ? uniq[1] - uniq[0] : 5;
  $("slider").min = V.t0; $("slider").max = V.t1; $("slider").step = RUN.outputRate / 4;
  const forces = [...new Set(TRACKS.force || [])];
  $("trackForce").textContent = "";
  for (const f of forces) { const o = document.createElement("option"); o.textContent = f; $("trackForce").appendChild(o); }
  buildMovers(); buildEvents(); setTime(V.t0);
  const la = extent(STATES.lat_deg), lo = extent(STATES.lon_deg);
  if (la && lo) map.fitBounds([[la[0], lo[0]], [la[1], lo[1]]], { padding: [30, 30], animate: false });
  V.ready = true;
}

async function main() {
  RUN = await getJSON("/api/run");
  const mv = RUN.movers;
  assignNationColors(mv);
  for (let i = 0; i < mv.mover_id.length; i++) {
    const kind = mv.kind[i];
    moverInfo.set(mv.mover_id[i], { name: mv.name[i], kind, force: mv.force[i], side: mv.side[i], nation: mv.nation[i],
      type: mv.type[i], isMissile: ["ballistic_missile", "cruise_missile", "interceptor"].includes(kind) });
  }
  $("title").textContent = `amdsim replay: ${RUN.summary?.run?.scenario ?? RUN.name}`;
  if (RUN.replications > 1) {
    const reps = await getJSON("/api/replications");
    for (const r of reps) { const o = document.createElement("option"); o.value = r.index; o.textContent = r.name; $("rep").appendChild(o); }
    $("repbox").hidden = false;
    $("rep").addEventListener("change", (e) => { pause(); loadRep(e.target.value).catch((err) => showError(err.message)); });
  }
  await Promise.all([loadLand(), loadRep(0)]);
  if (V.lonCenter > 90) addLand(360);             // the run lies across the antimeridian: land beyond it too
  if (V.lonCenter < -90) addLand(-360);
}

main().catch((err) => showError(`viewer failed to load: ${err.message}`));
