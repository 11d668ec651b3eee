namespace VisionTracker.Monitor;

/// <summary>
/// The dashboard page: one self-contained HTML document (inline CSS and script, nothing fetched from elsewhere).
/// It shows the MJPEG stream, pipeline health polled from <c>/api/status</c>, zone counts from <c>/api/zones</c>
/// and the event feed from <c>/events</c>. A <c>?token=</c> in the page's address is passed on to every request.
/// With several cameras, a card lists every camera (state, fps, drops, zone counts) from <c>api/cameras</c>, each
/// linking to its own page.
/// </summary>
internal static class DashboardPage
{
    /// <summary>Only this origin, only inline script and style (the page has no other), no framing, no forms.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; img-src 'self' data:; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>VisionTracker live</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: dark; }
  body { margin: 0; font: 14px system-ui, sans-serif; background: #111; color: #ddd; }
  header { display: flex; flex-wrap: wrap; gap: 20px; align-items: baseline; padding: 10px 16px; background: #1b1b1b; border-bottom: 1px solid #333; }
  header h1 { font-size: 16px; margin: 0 12px 0 0; color: #fff; }
  header b { color: #fff; font-variant-numeric: tabular-nums; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(260px, 1fr); gap: 12px; padding: 12px; }
  #stream { display: block; width: 100%; min-height: 120px; background: #000; border-radius: 4px; }
  .card { background: #1b1b1b; border: 1px solid #333; border-radius: 4px; padding: 10px 12px; margin-bottom: 12px; }
  .card h2 { font-size: 14px; margin: 0 0 8px; color: #fff; }
  table { width: 100%; border-collapse: collapse; }
  td { padding: 3px 4px; border-bottom: 1px solid #2a2a2a; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; color: #fff; }
  #events { list-style: none; margin: 0; padding: 0; max-height: 60vh; overflow: auto; font: 12px ui-monospace, monospace; }
  #events li { padding: 4px 0; border-bottom: 1px solid #2a2a2a; word-break: break-all; }
  #events .t { color: #7cf; }
  .muted { color: #888; }
  .running { color: #6d6 !important; } .reconnecting, .starting { color: #fc3 !important; } .stopped, .offline { color: #f66 !important; }
  @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>VisionTracker live</h1>
  <span>source <b id="state">…</b></span>
  <span>fps <b id="fps">0</b></span>
  <span>frames <b id="frames">0</b></span>
  <span>dropped <b id="dropped">0</b></span>
  <span>reconnects <b id="reconnects">0</b></span>
  <span>detector <b id="latency">0</b> ms</span>
  <span>tracks <b id="tracks">0</b></span>
  <span id="gmcBox" hidden>camera motion <b id="gmc">0</b> px/frame</span>
  <span id="conn" class="muted"></span>
</header>
<main>
  <section><img id="stream" alt="annotated live stream"></section>
  <aside>
    <div class="card" id="camerasCard" hidden><h2>Cameras</h2><table><tbody id="cameras"></tbody></table></div>
    <div class="card"><h2>Zones</h2><table><tbody id="zones"></tbody></table><p id="nozones" class="muted">No zones configured.</p></div>
    <div class="card"><h2>Events <span class="muted">(<span id="eventCount">0</span>)</span></h2><ul id="events"></ul></div>
  </aside>
</main>
<script>
"use strict";
(() => {
  const token = new URLSearchParams(location.search).get("token");
  const query = token ? "?token=" + encodeURIComponent(token) : "";
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const $ = id => document.getElementById(id);
  const text = (id, v) => { $(id).textContent = String(v); };

  const img = $("stream");
  const connectStream = () => { img.src = "stream.mjpg" + query + (query ? "&" : "?") + "t=" + Date.now(); };
  img.addEventListener("error", () => setTimeout(connectStream, 2000));
  connectStream();

  async function getJson(path) {
    const r = await fetch(path, { headers, cache: "no-store" });
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  function renderZones(zones) {
    const body = $("zones");
    body.replaceChildren(...zones.map(z => {
      const tr = document.createElement("tr");
      const name = document.createElement("td"); name.textContent = z.name;
      const n = document.createElement("td"); n.className = "n"; n.textContent = String(z.count);
      tr.append(name, n);
      return tr;
    }));
    $("nozones").hidden = zones.length > 0;
  }

  // Several cameras (vtrack live --cameras): one row per camera, linking to its page; an empty list means one camera.
  let multi = true;
  async function pollCameras() {
    if (!multi) return;
    const v = await getJson("api/cameras");
    if (v.cameras.length === 0) { multi = false; return; }
    document.title = "VisionTracker live: " + v.current;
    $("camerasCard").hidden = false;
    $("cameras").replaceChildren(...v.cameras.map(c => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const a = document.createElement("a"); a.href = c.path + query; a.textContent = c.name;
      if (c.name === v.current) a.style.fontWeight = "bold";
      name.append(a);
      const state = document.createElement("td"); state.textContent = c.state; state.className = c.state;
      const fps = document.createElement("td"); fps.className = "n"; fps.textContent = c.fps.toFixed(1) + " fps";
      const dropped = document.createElement("td"); dropped.className = "n"; dropped.textContent = c.droppedFrames + " dropped";
      const zones = document.createElement("td"); zones.className = "muted";
      zones.textContent = Object.entries(c.zones).map(([k, n]) => k + " " + n).join(", ");
      tr.dataset.camera = c.name;
      tr.append(name, state, fps, dropped, zones);
      return tr;
    }));
  }

  async function poll() {
    try {
      await pollCameras();
      const s = await getJson("api/status");
      text("state", s.sourceState); $("state").className = s.sourceState;
      text("fps", s.fps.toFixed(1)); text("frames", s.frames); text("dropped", s.droppedFrames);
      text("reconnects", s.reconnects); text("latency", s.detectorLatencyMs.toFixed(1)); text("tracks", s.tracks);
      $("gmcBox").hidden = !s.cameraMotion;
      if (s.cameraMotion) { text("gmc", s.cameraMotion.meanPixels.toFixed(1) + " mean, " + s.cameraMotion.maxPixels.toFixed(1) + " max"); }
      renderZones(await getJson("api/zones"));
      text("conn", ""); $("conn").className = "muted";
    } catch (e) {
      text("conn", "dashboard offline (" + e.message + ")"); $("conn").className = "offline";
    }
  }
  setInterval(poll, 1000);
  poll();

  const list = $("events");
  let count = 0;
  const feed = new EventSource("events" + query);
  feed.onmessage = m => {
    const e = JSON.parse(m.data);
    count++;
    const li = document.createElement("li");
    li.dataset.id = String(e.id);
    const t = document.createElement("span"); t.className = "t";
    t.textContent = "#" + e.id + " frame " + e.frameIndex + " " + e.type + " ";
    const d = e.data || {};
    if (typeof d.confirmedAfterSeconds === "number" && d.confirmedAfterSeconds > 0) {
      t.textContent += "(happened at " + d.timestampSeconds.toFixed(2) + " s, frame " + d.frameIndex + ", confirmed " + d.confirmedAfterSeconds.toFixed(2) + " s later) ";
    }
    li.append(t, document.createTextNode(JSON.stringify(e.data)));
    list.prepend(li);
    while (list.children.length > 100) list.lastElementChild.remove();
    text("eventCount", count);
  };
})();
</script>
</body>
</html>
""";
}
