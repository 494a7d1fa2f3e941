"use strict";
// An operator console: its force's perceived picture, ranked threats, proposals to approve or deny.
(function () {
  const force = liveParams().get("force");
  document.getElementById("title").textContent = force + " operator console";
  document.title = "amdsim live: " + force;
  const map = liveMap();
  const tracks = L.layerGroup().addTo(map);
  const own = L.layerGroup().addTo(map);
  let centred = false;
  const sock = liveSocket("force=" + encodeURIComponent(force), (v) => {
    tracks.clearLayers();
    for (const t of v.tracks) {
      L.circleMarker([t.lat, t.lon], { radius: 5, color: t.confirmed ? "#c00" : "#e90", className: "track" })
        .bindTooltip("track " + t.id + " (" + t.source + ", " + Math.round(t.alt) + " m)").addTo(tracks);
    }
    own.clearLayers();
    for (const i of v.interceptors) L.circleMarker([i.lat, i.lon], { radius: 3, color: "#06c", className: "interceptor" }).addTo(own);
    if (!centred && v.tracks.length) { map.setView([v.tracks[0].lat, v.tracks[0].lon], 8); centred = true; }
    fill("proposals", v.proposals.map((p) => {
      const ok = el("button", "Approve", "approve");
      ok.dataset.proposal = p.id;
      ok.onclick = () => sock.send({ what: "approve", proposal: p.id });
      const no = el("button", "Deny", "deny");
      no.dataset.proposal = p.id;
      no.onclick = () => sock.send({ what: "deny", proposal: p.id });
      const span = el("span"); span.append(ok, " ", no);
      return row([p.id, p.track, p.shooter, p.pk.toFixed(2), Math.max(0, p.deadline - v.t).toFixed(0) + " s", p.default, span]);
    }));
    fill("threats", v.threats.map((t) => row([t.rank, t.track, t.kind, t.value.toFixed(2)])));
    fill("magazines", v.magazines.map((m) => row([m.shooter, m.rounds + " rounds"])));
    fill("alerts", alertItems(v.alerts));
  });
})();
