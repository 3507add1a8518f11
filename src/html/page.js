(function () {
  "use strict";
  // The reviewer's timeline page: everything below runs offline, from the
  // JSON in #data. Text from the returns is only ever set as textContent.
  var D = JSON.parse(document.getElementById("data").textContent);
  var EV = D.events, AG = D.agencies, BANDS = D.bands;
  var AGG = D.aggregate;
  var SVGNS = "http://www.w3.org/2000/svg";
  var DAY = 86400000;
  var PAGE = 500;
  var $ = function (id) { return document.getElementById(id); };

  function dayOf(s) {
    return Math.round(Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / DAY);
  }
  function ymd(day) {
    var d = new Date(day * DAY);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate() };
  }
  function monthStart(y, m) { return Math.round(Date.UTC(y, m, 1) / DAY); }
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVGNS, name);
    for (var k in attrs) { el.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(el); }
    return el;
  }
  function html(name, text, parent, cls) {
    var el = document.createElement(name);
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    if (cls) { el.className = cls; }
    if (parent) { parent.appendChild(el); }
    return el;
  }
  // The agency's colour made strong enough to mark with (the workbook's
  // colours are pale fills): same hue, more saturation, darker.
  function vivid(hex) {
    var n = parseInt(hex.slice(1), 16);
    var r = ((n >> 16) & 255) / 255, g = ((n >> 8) & 255) / 255, b = (n & 255) / 255;
    var mx = Math.max(r, g, b), mn = Math.min(r, g, b), h = 0, d = mx - mn;
    if (d > 0) {
      if (mx === r) { h = ((g - b) / d) % 6; } else if (mx === g) { h = (b - r) / d + 2; } else { h = (r - g) / d + 4; }
      h *= 60; if (h < 0) { h += 360; }
    }
    var l = (mx + mn) / 2, s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
    return "hsl(" + Math.round(h) + "," + Math.round(Math.min(1, s * 1.3 + 0.15) * 100) + "%,38%)";
  }

  // Each event's days: s (first day), f (the day after its last).
  var lo = Infinity, hi = -Infinity;
  EV.forEach(function (e, i) {
    e.i = i;
    e.s = dayOf(e.d);
    if (e.e) { e.f = dayOf(e.e) + 1; }
    else if (e.p === "month") { var a = ymd(e.s); e.f = monthStart(a.y, a.m + 1); }
    else if (e.p === "year") { e.f = monthStart(ymd(e.s).y + 1, 0); }
    else { e.f = e.s + 1; }
    if (e.s < lo) { lo = e.s; }
    if (e.f > hi) { hi = e.f; }
    e.h = [e.r, AG[e.a].name, e.ds, e.t, e.src, e.role, e.subj, e.ty, e.det, e.act, e.ana,
      e.notes, e.kl, e.dw, e.dn, e.kpe, e.also, e.orig].join("\n").toLowerCase();
  });
  BANDS.forEach(function (b) {
    b.s = dayOf(b.from); b.f = dayOf(b.to) + 1;
    if (b.s < lo) { lo = b.s; }
    if (b.f > hi) { hi = b.f; }
  });
  if (!isFinite(lo)) { lo = dayOf("2000-01-01"); hi = lo + 365; }
  var pad = Math.max(2, Math.round((hi - lo) * 0.02));
  var DOM0 = lo - pad, DOM1 = hi + pad;
  var view = { a: DOM0, b: DOM1 };

  // ---- Filters -------------------------------------------------------
  function options(sel, values, all) {
    html("option", all, sel).value = "";
    values.forEach(function (v) {
      var o = html("option", v[1], sel);
      o.value = v[0];
    });
  }
  function distinct(key) {
    var seen = {}, out = [];
    EV.forEach(function (e) {
      var v = e[key];
      if (v && !seen.hasOwnProperty(v)) { seen[v] = 1; out.push(v); }
    });
    out.sort(function (x, y) { return x.localeCompare(y); });
    return out.map(function (v) { return [v, v]; });
  }
  options($("f-agency"), AG.map(function (a, i) { return [String(i), a.name]; }), "All agencies");
  options($("f-subject"), distinct("subj"), "Everyone");
  options($("f-type"), distinct("ty"), "All types");
  var keyLines = distinct("kl");
  options($("f-keyline"), keyLines, "All lines");
  if (keyLines.length) { $("l-keyline").hidden = false; }
  var episodeIds = BANDS.filter(function (b) { return b.kind === "episode"; })
    .map(function (b) { return [b.id, b.id]; });
  options($("f-episode"), [["*", "In any episode"]].concat(episodeIds), "All events");

  var shown = new Array(EV.length);
  var shownList = [];
  function matches(e, f) {
    if (f.agency !== "" && e.a !== +f.agency) { return false; }
    if (f.subject !== "" && e.subj !== f.subject) { return false; }
    if (f.type !== "" && e.ty !== f.type) { return false; }
    if (f.keyline !== "" && e.kl !== f.keyline) { return false; }
    if (f.episode === "*" && !e.kpe) { return false; }
    if (f.episode !== "" && f.episode !== "*" && e.kpe !== f.episode) { return false; }
    if (f.sig && !e.sig) { return false; }
    if (f.q) {
      for (var k = 0; k < f.q.length; k++) { if (e.h.indexOf(f.q[k]) < 0) { return false; } }
    }
    return true;
  }
  function applyFilters() {
    var q = $("f-search").value.trim().toLowerCase();
    var f = {
      agency: $("f-agency").value, subject: $("f-subject").value, type: $("f-type").value,
      keyline: $("f-keyline").value, episode: $("f-episode").value, sig: $("f-sig").checked,
      q: q ? q.split(/\s+/) : null
    };
    shownList = [];
    for (var i = 0; i < EV.length; i++) {
      shown[i] = matches(EV[i], f);
      if (shown[i]) { shownList.push(i); }
    }
    $("count").textContent = "Showing " + shownList.length + " of " + EV.length + " events";
    document.body.setAttribute("data-shown", String(shownList.length));
    if (AGG) { page = 0; renderPage(); drawAggregate(); }
    else {
      for (var j = 0; j < EV.length; j++) {
        rowEls[j].hidden = !shown[j];
        markEls[j].classList.toggle("off", !shown[j]);
      }
    }
  }
  ["f-agency", "f-subject", "f-type", "f-keyline", "f-episode", "f-sig"].forEach(function (id) {
    $(id).addEventListener("change", applyFilters);
  });
  $("f-search").addEventListener("input", applyFilters);
  $("f-clear").addEventListener("click", function () {
    ["f-agency", "f-subject", "f-type", "f-keyline", "f-episode", "f-search"].forEach(function (id) { $(id).value = ""; });
    $("f-sig").checked = false;
    applyFilters();
  });

  // ---- Detail ----------------------------------------------------------
  var selected = -1;
  function value(e, key) {
    if (key === "agency") { return AG[e.a].name; }
    if (key === "sig") { return e.sig ? "Yes" : "No"; }
    return e[key];
  }
  function showDetail(i) {
    var e = EV[i], box = $("detail");
    if (selected >= 0) {
      if (rowEls[selected]) { rowEls[selected].classList.remove("sel"); }
      if (markEls[selected]) { markEls[selected].classList.remove("sel"); }
    }
    selected = i;
    if (rowEls[i]) { rowEls[i].classList.add("sel"); }
    if (markEls[i]) { markEls[i].classList.add("sel"); }
    box.textContent = "";
    html("h2", e.r + " \u2014 " + e.ds + " \u2014 " + AG[e.a].name, box);
    var dl = html("dl", null, box);
    dl.setAttribute("data-ref", e.r);
    dl.id = "detail-row";
    D.fields.forEach(function (fd) {
      if (fd[0] === "kl" && !keyLines.length) { return; }
      html("dt", fd[1], dl);
      html("dd", value(e, fd[0]), dl).setAttribute("data-field", fd[0]);
    });
  }

  // ---- List --------------------------------------------------------------
  var rowEls = new Array(EV.length), markEls = new Array(EV.length);
  var tbody = $("rows");
  function makeRow(e) {
    var tr = document.createElement("div");
    tr.className = "row";
    tr.setAttribute("role", "row");
    tr.setAttribute("data-ref", e.r);
    tr.setAttribute("data-i", String(e.i));
    tr.tabIndex = 0;
    tr.style.background = AG[e.a].colour;
    html("span", e.n, tr);
    html("span", e.r, tr);
    html("span", e.ds, tr);
    html("span", e.t, tr);
    html("span", AG[e.a].name, tr);
    html("span", e.subj, tr);
    html("span", e.ty, tr);
    html("span", e.det.length > 220 ? e.det.slice(0, 219) + "\u2026" : e.det, tr, "det");
    html("span", e.kpe, tr);
    return tr;
  }
  function rowEvent(ev) {
    var tr = ev.target.closest(".row[data-i]");
    if (tr) { showDetail(+tr.getAttribute("data-i")); }
  }
  tbody.addEventListener("click", rowEvent);
  tbody.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { rowEvent(ev); } });

  var page = 0;
  function renderPage() {
    rowEls = new Array(EV.length);
    var frag = document.createDocumentFragment();
    var from = page * PAGE, to = Math.min(shownList.length, from + PAGE);
    for (var k = from; k < to; k++) {
      var i = shownList[k];
      rowEls[i] = makeRow(EV[i]);
      frag.appendChild(rowEls[i]);
    }
    tbody.textContent = "";
    tbody.appendChild(frag);
    $("p-where").textContent = shownList.length ?
      "Events " + (from + 1) + "\u2013" + to + " of " + shownList.length : "No event";
    $("p-prev").disabled = page === 0;
    $("p-next").disabled = to >= shownList.length;
  }
  $("p-prev").addEventListener("click", function () { if (page > 0) { page--; renderPage(); } });
  $("p-next").addEventListener("click", function () {
    if ((page + 1) * PAGE < shownList.length) { page++; renderPage(); }
  });

  // ---- Timeline ----------------------------------------------------------
  var G = 170, TOP = 34, LH = 26, RIGHT = 8;
  var box = $("timeline");
  var H = TOP + AG.length * LH + 6;
  var root = svg("svg", { height: H, role: "img", "aria-label": "Timeline of events by agency" }, box);
  var defs = svg("defs", {}, root);
  var hatch = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
  svg("rect", { width: 6, height: 6, fill: "#fff" }, hatch);
  svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#888", "stroke-width": 2 }, hatch);
  var clip = svg("clipPath", { id: "plot" }, defs);
  var clipRect = svg("rect", { x: G, y: 0, width: 100, height: H }, clip);
  var gLanes = svg("g", {}, root);
  var plot = svg("g", { "clip-path": "url(#plot)" }, root);
  var gTicks = svg("g", {}, plot), gBands = svg("g", {}, plot), gMarks = svg("g", {}, plot);
  var gLabels = svg("g", {}, root);
  var W = 800;
  measure();
  function x(day) { return G + (day - view.a) / (view.b - view.a) * (W - G - RIGHT); }
  function dayAt(px) { return view.a + (px - G) / (W - G - RIGHT) * (view.b - view.a); }

  AG.forEach(function (a, k) {
    svg("rect", { x: 0, y: TOP + k * LH, width: 10000, height: LH, fill: a.colour, "fill-opacity": 0.45, "class": "lane-bg" }, gLanes);
  });
  svg("rect", { x: 0, y: 0, width: G, height: H, "class": "gutter" }, gLabels);
  AG.forEach(function (a, k) {
    svg("rect", { x: 4, y: TOP + k * LH + 4, width: 8, height: LH - 8, fill: vivid(a.colour) }, gLabels);
    var t = svg("text", { x: 16, y: TOP + k * LH + LH / 2 + 4, "class": "lane-label" }, gLabels);
    t.textContent = a.name.length > 24 ? a.name.slice(0, 23) + "\u2026" : a.name;
    svg("title", {}, t).textContent = a.name;
  });

  var bandEls = BANDS.map(function (b) {
    var r = svg("rect", { y: TOP - 14, height: H - TOP + 14, "class": "band-" + b.kind }, gBands);
    svg("title", {}, r).textContent = b.label + (b.note ? ": " + b.note : "");
    var t = null;
    if (b.kind !== "silence") {
      t = svg("text", { y: TOP - 4, "class": "band-label " + b.kind }, gBands);
      t.textContent = b.label;
      if (b.kind === "episode") {
        t.addEventListener("click", function () { $("f-episode").value = b.id; applyFilters(); });
      }
    }
    return { b: b, r: r, t: t };
  });

  function laneY(e) { return TOP + e.a * LH + LH / 2 + ((e.n % 5) - 2) * 3; }
  if (!AGG) {
    EV.forEach(function (e) {
      var strong = vivid(AG[e.a].colour), el;
      if (e.f - e.s > 1) {
        el = svg("rect", { y: laneY(e) - 4, height: 8, fill: strong, stroke: strong, "fill-opacity": 0.3, "class": "mark span" + (e.ap ? " approx" : "") }, gMarks);
      } else {
        el = svg("circle", { cy: laneY(e), r: 4, fill: e.ap ? "#fff" : strong, stroke: strong, "class": "mark" + (e.ap ? " approx" : "") }, gMarks);
      }
      el.setAttribute("data-ref", e.r);
      el.setAttribute("data-i", String(e.i));
      markEls[e.i] = el;
    });
    // A mark's tooltip is made when it is first pointed at (5,000 titles
    // up front would slow the first drawing).
    gMarks.addEventListener("mouseover", function (ev) {
      var m = ev.target.closest("[data-i]");
      if (m && !m.firstChild) {
        var e = EV[+m.getAttribute("data-i")];
        svg("title", {}, m).textContent = e.r + " " + e.ds + " " + AG[e.a].name + ": " + (e.ty || "") +
          (e.det ? " \u2014 " + e.det.slice(0, 120) : "");
      }
    });
    gMarks.addEventListener("click", function (ev) {
      var m = ev.target.closest("[data-i]");
      if (m && !moved) {
        var i = +m.getAttribute("data-i");
        showDetail(i);
        if (rowEls[i]) { rowEls[i].scrollIntoView({ block: "nearest" }); }
      }
    });
  }

  // Counts per agency per month, for a review too large for one mark an
  // event: drawn again on every filter.
  var aggEls = [];
  function drawAggregate() {
    gMarks.textContent = "";
    var counts = {}, max = 1;
    for (var k = 0; k < shownList.length; k++) {
      var e = EV[shownList[k]], a = ymd(e.s), key = e.a + ":" + (a.y * 12 + a.m);
      counts[key] = (counts[key] || 0) + 1;
      if (counts[key] > max) { max = counts[key]; }
    }
    aggEls = [];
    Object.keys(counts).forEach(function (key) {
      var p = key.split(":"), ag = +p[0], mi = +p[1], n = counts[key];
      var s = monthStart(Math.floor(mi / 12), mi % 12), f = monthStart(Math.floor(mi / 12), mi % 12 + 1);
      var h = Math.max(2, Math.round((LH - 6) * Math.sqrt(n / max)));
      var r = svg("rect", { y: TOP + ag * LH + (LH - h) / 2, height: h, fill: vivid(AG[ag].colour), "class": "agg" }, gMarks);
      svg("title", {}, r).textContent = AG[ag].name + ", " + MONTHS[mi % 12] + " " + Math.floor(mi / 12) + ": " + n + " event(s)";
      aggEls.push({ r: r, s: s, f: f });
    });
    layout();
  }

  function ticks() {
    var span = view.b - view.a, px = W - G - RIGHT, out = [];
    var a = ymd(Math.floor(view.a)), b = ymd(Math.ceil(view.b));
    var perDay = px / span;
    if (perDay * 365 < 60) {
      var step = Math.ceil(60 / (perDay * 365));
      for (var y = a.y; y <= b.y + 1; y++) { if (y % step === 0) { out.push([monthStart(y, 0), String(y)]); } }
    } else if (perDay * 30 < 45) {
      for (var y2 = a.y; y2 <= b.y; y2++) {
        for (var m = 0; m < 12; m += 3) { out.push([monthStart(y2, m), MONTHS[m] + " " + y2]); }
      }
    } else if (perDay * 7 < 50) {
      for (var mi = a.y * 12 + a.m; mi <= b.y * 12 + b.m + 1; mi++) {
        var yy = Math.floor(mi / 12), mm = mi % 12;
        out.push([monthStart(yy, mm), MONTHS[mm] + " " + yy]);
      }
    } else {
      var every = perDay < 50 ? 7 : 1;
      for (var d = Math.floor(view.a); d <= Math.ceil(view.b); d++) {
        var c = ymd(d);
        if (every === 1 || new Date(d * DAY).getUTCDay() === 1) {
          out.push([d, c.d + " " + MONTHS[c.m] + (c.d === 1 || every === 7 ? " " + c.y : "")]);
        }
      }
    }
    return out;
  }
  // The width is read once and on resize only: reading it forces the
  // whole page (thousands of rows) to be laid out.
  function measure() { W = Math.max(G + 200, box.clientWidth || 800); }
  function layout() {
    root.setAttribute("width", W);
    clipRect.setAttribute("width", Math.max(0, W - G - RIGHT));
    gTicks.textContent = "";
    ticks().forEach(function (t) {
      var tx = x(t[0]);
      if (tx < G - 1 || tx > W) { return; }
      var g = svg("g", { "class": "tick" }, gTicks);
      svg("line", { x1: tx, x2: tx, y1: 16, y2: H }, g);
      svg("text", { x: tx + 3, y: 12 }, g).textContent = t[1];
    });
    // Band labels that would overlap one already placed are hidden (their
    // band keeps its tooltip): episodes and the incident are placed first,
    // then key decisions, so dense decisions never hide an episode's label.
    var placed = [];
    bandEls.slice().sort(function (p, q) {
      return (p.b.kind === "decision") - (q.b.kind === "decision");
    }).forEach(function (be) {
      var x0 = x(be.b.s), x1 = x(be.b.f);
      be.r.setAttribute("x", x0);
      be.r.setAttribute("width", Math.max(be.b.kind === "incident" ? 3 : 1, x1 - x0));
      if (be.t) {
        var a = x0 + 2, z = a + be.b.label.length * 6.5;
        var free = a >= G && placed.every(function (o) { return z < o[0] || a > o[1]; });
        be.t.setAttribute("x", a);
        be.t.style.display = free ? "" : "none";
        if (free) { placed.push([a - 4, z + 4]); }
      }
    });
    if (AGG) {
      aggEls.forEach(function (g) {
        var x0 = x(g.s);
        g.r.setAttribute("x", x0);
        g.r.setAttribute("width", Math.max(1, x(g.f) - x0 - 0.5));
      });
      return;
    }
    for (var i = 0; i < EV.length; i++) {
      var e = EV[i], el = markEls[i];
      if (e.f - e.s > 1) {
        var x0 = x(e.s);
        el.setAttribute("x", x0);
        el.setAttribute("width", Math.max(3, x(e.f) - x0));
      } else {
        el.setAttribute("cx", x(e.s + 0.5));
      }
    }
  }
  var pending = false;
  function relayout() {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () { pending = false; layout(); });
  }
  function zoomTo(a, b) {
    var span = Math.min(Math.max(b - a, 3), (DOM1 - DOM0) * 1.5 + 30);
    var mid = (a + b) / 2;
    view.a = mid - span / 2; view.b = mid + span / 2;
    relayout();
  }
  box.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = box.getBoundingClientRect(), px = ev.clientX - rect.left;
    var at = px < G ? (view.a + view.b) / 2 : dayAt(px);
    var k = ev.deltaY > 0 ? 1.25 : 0.8;
    var a = at - (at - view.a) * k, b = at + (view.b - at) * k;
    if (b - a < 3 || b - a > (DOM1 - DOM0) * 1.5 + 30) { return; }
    view.a = a; view.b = b;
    relayout();
  }, { passive: false });
  var drag = null, moved = false;
  box.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, a: view.a, b: view.b }; moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x;
    if (Math.abs(dx) > 3) { moved = true; box.classList.add("dragging"); }
    if (!moved) { return; }
    var dd = dx / (W - G - RIGHT) * (drag.b - drag.a);
    view.a = drag.a - dd; view.b = drag.b - dd;
    relayout();
  });
  window.addEventListener("pointerup", function () {
    drag = null; box.classList.remove("dragging");
    setTimeout(function () { moved = false; }, 0);
  });
  $("tl-tools").addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-zoom]");
    if (!btn) { return; }
    var z = btn.getAttribute("data-zoom"), mid = (view.a + view.b) / 2, span = view.b - view.a;
    if (z === "fit") { zoomTo(DOM0, DOM1); }
    else if (z === "in") { zoomTo(mid - span * 0.3, mid + span * 0.3); }
    else if (z === "out") { zoomTo(mid - span, mid + span); }
    else if (selected >= 0) { var s = EV[selected].s; zoomTo(s - +z / 2, s + +z / 2); }
    else { zoomTo(mid - +z / 2, mid + +z / 2); }
  });
  window.addEventListener("resize", function () { measure(); relayout(); });

  // ---- Start ---------------------------------------------------------------
  if (AGG) {
    var note = $("notice");
    note.hidden = false;
    note.textContent = "This review has " + EV.length + " events, more than " + D.aggregate_above +
      " can be drawn one by one: the timeline shows how many events each agency has in each month," +
      " and the list shows " + PAGE + " events at a time. Filter to narrow it down; the workbook holds every event.";
    $("pager").hidden = false;
    applyFilters();
  } else {
    var frag = document.createDocumentFragment();
    EV.forEach(function (e) { rowEls[e.i] = makeRow(e); frag.appendChild(rowEls[e.i]); });
    tbody.appendChild(frag);
    applyFilters();
  }
  layout();
  // How long the page took to draw, from the start of its loading (ms).
  document.body.setAttribute("data-ms", String(Math.round(performance.now())));
  document.body.setAttribute("data-ready", "1");
})();
