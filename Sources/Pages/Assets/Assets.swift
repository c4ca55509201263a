/// The stylesheet and the script, served by the daemon itself (no CDN: the page works
/// with no internet). The pages run without the script; it only saves clicks.
public enum Assets {
    public static let stylesheet = #"""
    :root { --ink: #1d2330; --muted: #5d6677; --line: #dfe3ea; --accent: #0b6bcb; --bg: #f5f7fa;
            --ok: #1f8a4c; --warn: #b26a00; --bad: #c0392b; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); background: var(--bg); font-size: 15px; }
    header.top { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
    .brand { font-weight: 700; font-size: 18px; color: var(--ink); text-decoration: none; }
    nav.main { display: flex; gap: 16px; }
    nav.main a { color: var(--muted); text-decoration: none; font-weight: 600; letter-spacing: .02em; padding: 6px 0; }
    nav.main a[aria-current="page"] { color: var(--accent); border-bottom: 2px solid var(--accent); }
    .who { margin-left: auto; display: flex; align-items: center; gap: 12px; color: var(--muted); }
    main { max-width: 1200px; margin: 0 auto; padding: 20px 24px 48px; }
    h1 { font-size: 24px; margin: 8px 0 16px; }
    h2 { font-size: 18px; margin: 0 0 8px; }
    h3 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; }
    a { color: var(--accent); }
    button, .button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
    button[disabled] { background: #c9ced8; border-color: #c9ced8; color: #fff; cursor: not-allowed; }
    button.danger { background: var(--bad); border-color: var(--bad); }
    button.secondary { background: #fff; color: var(--ink); border-color: var(--line); }
    fieldset.places { border: 0; padding: 0; margin: 12px 0; }
    label.place-choice { display: block; margin: 6px 0; }
    .inline { display: inline; }
    .who button { background: transparent; color: var(--accent); border-color: var(--line); }
    .toolbar { display: flex; align-items: center; gap: 16px; margin-bottom: 16px; flex-wrap: wrap; }
    select, input { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
    table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
    th, td { text-align: left; padding: 9px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
    thead th { font-size: 12px; letter-spacing: .04em; color: var(--muted); text-transform: uppercase; background: #fafbfc; }
    td.number, th.number { text-align: right; }
    td.url code { word-break: break-all; }
    .status { font-size: 12px; font-weight: 600; padding: 2px 8px; border-radius: 10px; }
    .status-active { background: #e3f4ea; color: var(--ok); }
    .status-blocked { background: #fff1dc; color: var(--warn); }
    .status-disconnected { background: #eceef2; color: var(--muted); }
    .code-2xx { color: var(--ok); } .code-3xx { color: var(--muted); } .code-4xx { color: var(--warn); } .code-5xx { color: var(--bad); }
    details.menu { position: relative; }
    details.menu summary { list-style: none; cursor: pointer; border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; background: #fff; }
    details.menu summary::-webkit-details-marker { display: none; }
    details.menu ul { position: absolute; right: 0; z-index: 5; margin: 4px 0 0; padding: 6px 0; list-style: none; background: #fff; border: 1px solid var(--line); border-radius: 8px; box-shadow: 0 6px 18px rgba(0,0,0,.12); min-width: 200px; }
    details.menu li a, details.menu li button { display: block; width: 100%; text-align: left; padding: 7px 14px; color: var(--ink); text-decoration: none; background: none; border: 0; border-radius: 0; }
    details.menu li a:hover, details.menu li button:hover { background: var(--bg); }
    .general { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin-bottom: 16px; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 8px 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; }
    nav.tabs { display: flex; gap: 16px; margin-top: 8px; }
    details.filter { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; margin-bottom: 16px; }
    details.filter summary { cursor: pointer; color: var(--accent); font-weight: 600; }
    details.filter fieldset { border: 0; padding: 6px 0; margin: 0; display: flex; flex-wrap: wrap; gap: 12px; }
    details.filter legend { font-size: 12px; color: var(--muted); text-transform: uppercase; padding: 0; margin-bottom: 4px; }
    .parts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
    .part { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px; min-width: 0; }
    pre.body { background: #f7f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; max-height: 480px; font-size: 13px; }
    .download { font-size: 13px; margin-left: 8px; }
    .chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; max-width: 100%; height: auto; }
    .chart .bar { fill: var(--accent); }
    .chart .errors { fill: var(--bad); }
    .chart .hover { fill: transparent; }
    .chart .day:hover .hover { fill: #eef4fb; }
    .chart .axis { stroke: var(--line); }
    .chart .date { font-size: 10px; fill: var(--muted); text-anchor: middle; }
    .legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
    .legend .swatch.bar { background: var(--accent); } .legend .swatch.errors { background: var(--bad); }
    .error { color: var(--bad); font-weight: 600; }
    .advice { background: #fff8e6; border-left: 3px solid var(--warn); padding: 8px 12px; }
    .reason { color: var(--muted); font-size: 13px; margin-left: 8px; }
    .login, .confirm, .form-page, .error-page { max-width: 560px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px; }
    .login label, .form-page label { display: block; margin: 10px 0; }
    .login input, .form-page input { display: block; width: 100%; margin-top: 4px; }
    .form-page input[type=radio], .form-page input[type=checkbox] { display: inline; width: auto; margin: 0 6px 0 0; }
    .health { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px; margin-left: 4px; }
    .health-ok { background: #e6f4ea; color: #1e6b34; }
    .health-degraded { background: #fff4e0; color: #8a5300; }
    .health-failing { background: #fde8e8; color: #a61b1b; font-weight: 600; }
    .health-quiet { background: #eef0f3; color: #4a5363; }
    .health-blocked, .health-disconnected { background: #eef0f3; color: #4a5363; }
    a.health { text-decoration: none; }
    .chart .class-2xx, .legend .swatch.class-2xx { fill: #3a8f55; background: #3a8f55; }
    .chart .class-3xx, .legend .swatch.class-3xx { fill: #7aa7d6; background: #7aa7d6; }
    .chart .class-4xx, .legend .swatch.class-4xx { fill: #e0a23a; background: #e0a23a; }
    .chart .class-5xx, .legend .swatch.class-5xx { fill: var(--bad); background: var(--bad); }
    .chart .class-1xx { fill: var(--muted); }
    .chart text.day { font-size: 10px; fill: var(--muted); }
    .check .verdict { font-size: 1.15em; }
    .check-failing .verdict { color: #a61b1b; }
    .facts-list li { margin: 4px 0; }
    .alert-count { background: var(--bad); color: #fff; border-radius: 10px; padding: 0 7px; font-size: 12px; }
    table.alerts tr.open td { background: #fff8f8; }
    #alert-settings label { display: block; margin: 4px 0; }
    .form-page label.list-choice select { display: block; margin-top: 4px; min-width: 60%; }
    .empty { color: var(--muted); }
    .js .js-hidden { display: none; }
    @media (max-width: 800px) { .parts { grid-template-columns: 1fr; } }
    """#

    public static let script = #"""
    "use strict";
    document.documentElement.classList.add("js");
    document.addEventListener("DOMContentLoaded", function () {
      // A choice of place or account shows its page at once.
      document.querySelectorAll("select.autosubmit").forEach(function (select) {
        select.addEventListener("change", function () { select.form.submit(); });
      });
      // One Actions menu open at a time; a click elsewhere closes it.
      var menus = document.querySelectorAll("details.menu");
      menus.forEach(function (menu) {
        menu.addEventListener("toggle", function () {
          if (!menu.open) return;
          menus.forEach(function (other) { if (other !== menu) other.open = false; });
        });
      });
      document.addEventListener("click", function (event) {
        menus.forEach(function (menu) { if (!menu.contains(event.target)) menu.open = false; });
      });
      // The grant: the catalogs and customer lists offered are those of the place picked
      // (the account's, and the location's own); the server checks it again.
      var form = document.getElementById("authorize-form");
      if (form) {
        var fit = function () {
          var checked = form.querySelector("input[name=place]:checked");
          var place = checked ? checked.value : "";
          form.querySelectorAll("select.place-list").forEach(function (select) {
            var keep = null;
            Array.prototype.forEach.call(select.options, function (option) {
              var fits = option.dataset.location === "" || option.dataset.location === place;
              option.hidden = !fits;
              option.disabled = !fits;
              if (fits && (keep === null || option.selected)) keep = option;
            });
            if (keep) keep.selected = true;
          });
        };
        form.querySelectorAll("input[name=place]").forEach(function (radio) { radio.addEventListener("change", fit); });
        fit();
      }
      // The logs' live tail: new entries of the page's filter, from the server's event
      // stream, on top of the table; paused, it closes the stream, and resumes after the
      // last entry it showed. Entries the page already shows are not shown twice.
      var tail = document.getElementById("live-tail");
      var table = document.getElementById("logs");
      if (tail && table && window.EventSource) {
        var rows = table.querySelector("tbody");
        var label = document.getElementById("live-label");
        var seen = {};
        rows.querySelectorAll("tr.entry").forEach(function (tr) { seen[tr.dataset.seq] = true; });
        var last = null;
        var source = null;
        var cell = function (tr, text, className, code) {
          var td = document.createElement("td");
          if (className) td.className = className;
          if (code) {
            var c = document.createElement("code");
            c.textContent = text;
            td.appendChild(c);
          } else {
            td.textContent = text;
          }
          tr.appendChild(td);
          return td;
        };
        var show = function (e) {
          var tr = document.createElement("tr");
          tr.className = "entry live-entry";
          tr.dataset.seq = String(e.seq);
          var time = cell(tr, "");
          var a = document.createElement("a");
          a.href = table.dataset.base + "/" + e.seq;
          a.className = "open-entry";
          a.textContent = e.local_time.slice(0, 19).replace("T", " ");
          time.appendChild(a);
          // Its own offset when the header's is not it (a daylight-saving change since
          // the page was drawn, or a page whose rows each show theirs).
          var zoneMatch = /([+-][0-9][0-9]:[0-9][0-9]|Z)$/.exec(e.local_time);
          var offset = zoneMatch ? "UTC" + (zoneMatch[1] === "Z" ? "+00:00" : zoneMatch[1]) : "";
          if (offset && table.dataset.offset !== offset) {
            var small = document.createElement("small");
            small.className = "offset";
            small.textContent = offset;
            time.appendChild(document.createTextNode(" "));
            time.appendChild(small);
          }
          cell(tr, e.resource, "resource");
          cell(tr, e.method, "method");
          cell(tr, e.url, "url", true);
          cell(tr, String(e.status), "status-code code-" + String(e.status).charAt(0) + "xx");
          rows.insertBefore(tr, rows.firstChild);
          table.hidden = false;
          var empty = document.getElementById("no-logs");
          if (empty) empty.hidden = true;
        };
        var open = function () {
          var url = tail.dataset.stream;
          if (last !== null) url = url.replace(/last_event_id=[0-9]+/, "last_event_id=" + last);
          source = new EventSource(url);
          source.addEventListener("entry", function (event) {
            last = event.lastEventId;
            var e = JSON.parse(event.data);
            if (seen[e.seq]) return;
            seen[e.seq] = true;
            show(e);
          });
        };
        tail.hidden = false;
        label.hidden = false;
        tail.addEventListener("click", function () {
          if (source) {
            source.close();
            source = null;
            tail.textContent = tail.dataset.resume;
            label.hidden = true;
          } else {
            open();
            tail.textContent = tail.dataset.pause;
            label.hidden = false;
          }
        });
        open();
      }
    });
    """#
}
