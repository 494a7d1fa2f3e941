"use strict";
// The exercise-control console: the truth on the map; pause, speed, threat injection, radars and links.
(function () {
  const map = liveMap();
  const movers = L.layerGroup().addTo(map);
  const colour = { blue: "#06c", red: "#c00" };
  let sock = null;
  const send = (obj) => sock.send(obj);
  document.getElementById("pause").onclick = () => send({ what: "pause" });
  document.getElementById("resume").onclick = () => send({ what: "resume" });
  document.getElementById("setSpeed").onclick = () => send({ what: "speed", value: Number(document.getElementById("speed").value) });
  document.getElementById("inject").onsubmit = (ev) => {
    ev.preventDefault();
    send({ what: "inject", arg: document.getElementById("threat").value });
  };
  let options = "";
  sock = liveSocket("control=1", (v) => {
    movers.clearLayers();
    for (const m of v.movers) {
      const c = m.force === "red" || m.kind.includes("missile") ? colour.red : colour.blue;
      L.circleMarker([m.lat, m.lon], { radius: 4, color: c, className: "mover" }).bindTooltip(m.name + " (" + m.kind + ")").addTo(movers);
    }
    const opts = v.injectable.map((i) => i.name + "|" + i.type + " from " + i.site + " (due t=" + i.t_launch.toFixed(0) + " s)");
    if (opts.join() !== options) {
      options = opts.join();
      const sel = document.getElementById("threat");
      sel.replaceChildren(...v.injectable.map((i, k) => { const o = el("option", opts[k].split("|")[1] + ": " + i.name); o.value = i.name; return o; }));
    }
    fill("radars", v.radars.map((r) => {
      const b = el("button", r.up ? "Take down" : "Bring up");
      b.dataset.radar = r.name;
      b.onclick = () => send({ what: r.up ? "radar_down" : "radar_up", arg: r.name });
      return row([r.name, r.force, el("span", r.up ? "up" : "down", r.up ? "" : "down"), b]);
    }));
    fill("links", v.links.map((l) => {
      const b = el("button", l.up ? "Take down" : "Bring up");
      b.onclick = () => send({ what: l.up ? "link_down" : "link_up", force: l.a, arg: l.b });
      return row([l.a + " - " + l.b, el("span", l.up ? "up" : "down", l.up ? "" : "down"), b]);
    }));
    fill("alerts", alertItems(v.alerts));
  });
})();
