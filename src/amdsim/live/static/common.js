"use strict";
// Shared by the consoles: the map, the WebSocket (reconnecting), small DOM helpers, the latency record.
window.amdsimLive = { ready: false, views: 0, latencies: [], acks: [], last: null };

function liveParams() { return new URLSearchParams(window.location.search); }

function liveMap() {
  const map = L.map("map", { preferCanvas: true }).setView([37, 126.5], 8);
  L.control.scale().addTo(map);
  fetch("/vendor/world-atlas/land-50m.json").then((r) => r.json()).then((topo) => {
    L.geoJSON(topojson.feature(topo, topo.objects.land), { interactive: false,
      style: () => ({ className: "land", fillColor: "#e8e4d8", fillOpacity: 1, color: "#7a7a6a", weight: 0.8 }) }).addTo(map);
  }).catch((err) => showError("land outline unavailable: " + err.message));
  return map;
}

function liveSocket(query, onView) {
  const tok = liveParams().get("token");
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws?" + query +
    (tok ? "&token=" + encodeURIComponent(tok) : "");
  const ws = new WebSocket(url);
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === "view") {
      const v = msg.view;
      window.amdsimLive.latencies.push(Date.now() - v.published);
      if (window.amdsimLive.latencies.length > 1000) window.amdsimLive.latencies.shift();
      window.amdsimLive.views += 1;
      window.amdsimLive.last = v;
      document.getElementById("clock").textContent = "t = " + v.t.toFixed(0) + " s";
      document.getElementById("state").textContent =
        (v.done ? "session over" : v.paused ? "paused" : "running") + " x" + v.speed;
      onView(v);
      window.amdsimLive.ready = true;
    } else if (msg.type === "ack") {
      window.amdsimLive.acks.push(msg);
      showError(msg.ok ? "" : msg.error);
    }
  };
  ws.onclose = () => showError("connection closed");
  return { send: (obj) => ws.send(JSON.stringify(obj)) };
}

function showError(text) {
  const e = document.getElementById("error");
  e.textContent = text || "";
  e.hidden = !text;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = el("tr");
  for (const c of cells) { const td = el("td"); if (c instanceof Node) td.appendChild(c); else td.textContent = c; tr.appendChild(td); }
  return tr;
}

function fill(id, rows) {
  const body = document.querySelector("#" + id + " tbody") || document.getElementById(id);
  body.replaceChildren(...rows);
}

function alertItems(alerts) {
  return alerts.map((a) => el("li", "t=" + a.t.toFixed(0) + " s " + a.kind + (a.force ? " [" + a.force + "]" : "") + " " + a.detail));
}
