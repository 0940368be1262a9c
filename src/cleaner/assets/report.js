(function () {
  "use strict";
  // report.html's only script (the page's Content-Security-Policy allows no other). Every text of a
  // document reaches the page through textContent, never as markup. Offsets are code points, as in
  // annotations.jsonl: documents are sliced as arrays of code points (Array.from), never by UTF-16 units.
  var data = JSON.parse(document.getElementById("data").textContent);
  var PAGE = 50, CTX = 200;
  var KINDS = data.kinds;
  var STORE = "cleaner-review:" + data.run;
  var served = location.protocol === "http:" || location.protocol === "https:";
  var docs = data.docs;
  var withFindings = [];
  docs.forEach(function (d, i) {
    if (d.a.length) { withFindings.push(i); }
  });
  var all = data.findings.map(function (f) {
    f.key = f.d >= 0 ? docs[f.d].k : f.doc;
    return f;
  });
  var storageOk = true;
  var decisions = loadLocal();
  var saveNote = "";

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    return n;
  }
  function button(label, onClick, pressed) {
    var b = el("button", null, label);
    b.type = "button";
    if (pressed !== undefined) { b.setAttribute("aria-pressed", pressed ? "true" : "false"); }
    b.addEventListener("click", onClick);
    return b;
  }
  function cps(d) {
    if (!d.cps) { d.cps = Array.from(d.o); }
    return d.cps;
  }
  function slice(d, a, b) { return cps(d).slice(Math.max(0, a), Math.max(0, b)).join(""); }

  // -- state in the URL ---------------------------------------------------------------------------
  function state() {
    var s = {view: "", doc: "", kind: "", rule: "", verdict: "", q: "", page: 1, a: ""};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { s[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); }
    });
    s.page = Math.max(1, parseInt(s.page, 10) || 1);
    if (s.doc !== "") { s.view = "doc"; }
    return s;
  }
  function setState(s) {
    var parts = [];
    ["view", "doc", "a", "kind", "rule", "verdict", "q"].forEach(function (k) {
      if (s[k] !== "" && s[k] !== undefined && !(k === "view" && s.view === "doc")) {
        parts.push(k + "=" + encodeURIComponent(s[k]));
      }
    });
    if (s.page > 1) { parts.push("page=" + s.page); }
    location.hash = parts.join("&");
  }
  function go(changes) {
    var s = state();
    Object.keys(changes).forEach(function (k) { s[k] = changes[k]; });
    setState(s);
  }

  // -- decisions ----------------------------------------------------------------------------------
  function loadLocal() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "{}") || {};
    } catch (e) {
      storageOk = false;
      return {};
    }
  }
  function save() {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(decisions));
      saveNote = "saved in this browser";
    } catch (e) {
      storageOk = false;
      saveNote = "this browser keeps nothing for this page: export before you close it";
    }
    if (served) { push(); }
    render();
  }
  function findingKey(f) { return ["f", f.key, f.rule, f.start, f.end].join("\u0001"); }
  function decided(f) {
    var d = decisions[findingKey(f)];
    return d ? d.decision : "";
  }
  function who(d, f) {
    var src = d || f;
    return {source: src.source, id: src.id, url: src.url || "", title: src.title || "", lang: src.lang || ""};
  }
  function findingDecision(f, verdict) {
    var d = f.d >= 0 ? docs[f.d] : null;
    var o = {key: findingKey(f), decision: verdict, kind: f.kind, rule: f.rule, action: f.action,
      start: f.start, end: f.end};
    var w = who(d, f);
    Object.keys(w).forEach(function (k) { o[k] = w[k]; });
    if (d && d.o !== null) {
      o.text = slice(d, f.start, f.end);
      o.before = slice(d, f.start - CTX, f.start);
      o.after = slice(d, f.end, f.end + CTX);
      o.context = "original";
    } else {
      o.text = f.raw !== undefined ? f.raw : f.text;
      o.before = f.before;
      o.after = f.after;
      o.context = "cleaned";  // the document is not in the page: the text around it after cleaning
    }
    return o;
  }
  function mark(f, verdict) {
    var k = findingKey(f);
    if (decisions[k] && decisions[k].decision === verdict) {
      delete decisions[k];
    } else {
      decisions[k] = findingDecision(f, verdict);
    }
    save();
  }
  function addMissed(di, start, end, kind) {
    var d = docs[di];
    var o = {decision: "missed", kind: kind, rule: "", start: start, end: end, text: slice(d, start, end),
      before: slice(d, start - CTX, start), after: slice(d, end, end + CTX), context: "original"};
    var w = who(d, null);
    Object.keys(w).forEach(function (k) { o[k] = w[k]; });
    o.key = ["m", d.k, start, end].join("\u0001");
    decisions[o.key] = o;
    save();
  }
  function exported() {
    return {format: "cleaner-review", version: 1, run: data.run, out: data.out,
      exported: new Date().toISOString(),
      decisions: Object.keys(decisions).sort().map(function (k) { return decisions[k]; })};
  }
  function download() {
    var blob = new Blob([JSON.stringify(exported(), null, 1) + "\n"], {type: "application/json"});
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = "review-" + data.run.slice(0, 12) + ".json";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }
  function push() {
    fetch("review.jsonl", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(exported())}).then(function (r) {
      saveNote = r.ok ? "saved to review.jsonl" : "not saved to review.jsonl (" + r.status + ")";
      document.getElementById("save").textContent = saveNote;
    }, function () {
      saveNote = "the server is gone: decisions are only in this browser";
      document.getElementById("save").textContent = saveNote;
    });
  }
  function pull() {
    fetch("review.jsonl").then(function (r) { return r.text(); }).then(function (text) {
      text.split("\n").forEach(function (line) {
        if (!line.trim()) { return; }
        var o = JSON.parse(line);
        if (o.key) { decisions[o.key] = o; }
      });
      save();
    });
  }

  // -- finding cards ------------------------------------------------------------------------------
  function what(f) {
    if (f.action === "remove") { return "removed"; }
    if (f.action === "replace") { return "replaced"; }
    return "flagged";
  }
  function label(f) {
    // what names a document for a person: its title, else its file (and record id)
    return f.title || (f.id !== f.source ? f.source + " #" + f.id : f.source);
  }
  function whoLine(f) {
    var line = el("div", "who");
    line.appendChild(el("span", "title", label(f)));
    if (f.url) {
      line.appendChild(document.createTextNode(" \u00b7 "));
      line.appendChild(el("span", "url", f.url));  // text, never a link: nothing leaves the page
    }
    line.appendChild(document.createTextNode(" \u00b7 id " + f.id + (f.title && f.source !== f.id ?
      " \u00b7 " + f.source : "") + " \u00b7 verdict " + f.verdict));
    return line;
  }
  function card(f, withDocLink) {
    var c = el("div", "f");
    var dec = decided(f);
    if (dec) { c.className += " d-" + dec; }
    var meta = c.appendChild(el("div", "meta"));
    meta.appendChild(el("span", "tag k-" + f.kind, f.kind));
    meta.appendChild(el("b", null, f.rule)).title = data.rules[f.rule] || "";
    meta.appendChild(document.createTextNode("  " + what(f) + " \u00b7 score " + f.score));
    c.appendChild(whoLine(f));
    if (f.before !== undefined) {
      var ctx = c.appendChild(el("div", "ctx"));
      ctx.appendChild(document.createTextNode((f.before.length >= 60 ? "\u2026" : "") + f.before));
      ctx.appendChild(el("span", "hit " + f.action, f.text));
      if (f.action === "replace") { ctx.appendChild(el("span", "new", f.replacement)); }
      ctx.appendChild(document.createTextNode(f.after + (f.after.length >= 60 ? "\u2026" : "")));
    } else {
      var only = c.appendChild(el("div", "ctx"));
      only.appendChild(el("span", "hit " + f.action, f.text));
      if (f.action === "replace") { only.appendChild(el("span", "new", f.replacement)); }
    }
    var msg = f.message;
    if (f.suggestions && f.suggestions.length) { msg += "  (suggestions: " + f.suggestions.join(", ") + ")"; }
    c.appendChild(el("div", "meta", msg));
    var acts = c.appendChild(el("div", "acts"));
    acts.appendChild(button("correct", function () { mark(f, "correct"); }, dec === "correct")).className = "correct";
    acts.appendChild(button("wrong", function () { mark(f, "wrong"); }, dec === "wrong")).className = "wrong";
    if (withDocLink) {
      if (f.d >= 0) {
        var open = acts.appendChild(el("a", "open", "open the document"));
        open.href = "#doc=" + f.d + "&a=" + f.start;
      } else {
        acts.appendChild(el("span", "meta", "(the document is not in this page: " + docWhy() + ")"));
      }
    }
    return c;
  }
  function docWhy() { return "too long, or past the page's size budget"; }

  // -- findings list ------------------------------------------------------------------------------
  function options(select, values, current) {
    select.textContent = "";
    select.appendChild(el("option", null, "all")).value = "";
    values.forEach(function (v) {
      var o = select.appendChild(el("option", null, v));
      o.value = v;
      if (v === current) { o.setAttribute("selected", ""); }
    });
  }
  function uniq(key) {
    var seen = {};
    all.forEach(function (f) { seen[f[key]] = true; });
    return Object.keys(seen).sort();
  }
  function matches(f, s) {
    if (s.kind && f.kind !== s.kind) { return false; }
    if (s.rule && f.rule !== s.rule) { return false; }
    if (s.verdict && f.verdict !== s.verdict) { return false; }
    if (s.q) {
      var q = s.q.toLowerCase();
      return (f.text + " " + f.source + " " + f.message + " " + (f.title || "") + " " + (f.url || ""))
        .toLowerCase().indexOf(q) >= 0;
    }
    return true;
  }
  function renderFindings(s) {
    options(document.getElementById("kind"), uniq("kind"), s.kind);
    options(document.getElementById("rule"), uniq("rule"), s.rule);
    options(document.getElementById("verdict"), uniq("verdict"), s.verdict);
    document.getElementById("q").value = s.q;
    var shown = all.filter(function (f) { return matches(f, s); });
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    var page = Math.min(s.page, pages);
    var list = document.getElementById("list");
    list.textContent = "";
    shown.slice((page - 1) * PAGE, page * PAGE).forEach(function (f) { list.appendChild(card(f, true)); });
    var total = s.rule ? (data.total[s.rule] || 0) : null;
    var note = shown.length + " findings shown" + (total !== null && total > shown.length ?
      " (a sample of " + total + "; at most " + data.sample + " per rule are kept)" : "");
    document.getElementById("status").textContent = note + " \u00b7 page " + page + " of " + pages;
    var pager = document.getElementById("pager");
    pager.textContent = "";
    [["\u2190 previous", page - 1], ["next \u2192", page + 1]].forEach(function (b) {
      var btn = pager.appendChild(button(b[0], function () { go({page: b[1]}); }));
      btn.disabled = b[1] < 1 || b[1] > pages;
    });
    return list.childNodes.length;
  }

  // -- documents by verdict -----------------------------------------------------------------------
  function renderDocLists() {
    var box = document.getElementById("doclists");
    box.textContent = "";
    ["rejected", "cleaned", "flagged", "clean"].concat(Object.keys(data.verdicts).filter(function (v) {
      return ["rejected", "cleaned", "flagged", "clean"].indexOf(v) < 0;
    })).forEach(function (v) {
      var mine = [];
      docs.forEach(function (d, i) { if (d.verdict === v) { mine.push(i); } });
      var total = data.verdicts[v] || 0;
      if (!total) { return; }
      box.appendChild(el("h3", null, v + ": " + total + " documents" +
        (mine.length < total ? " (" + mine.length + " in this page)" : "")));
      var t = box.appendChild(el("table", "wide doclist"));
      var head = t.appendChild(el("tr"));
      ["document", "id", "findings", "language", "URL"].forEach(function (h) { head.appendChild(el("th", null, h)); });
      mine.forEach(function (i) {
        var d = docs[i];
        var row = t.appendChild(el("tr"));
        var a = row.appendChild(el("td")).appendChild(el("a", null, label(d)));
        a.href = "#doc=" + i;
        row.appendChild(el("td", null, d.id));
        row.appendChild(el("td", "n", d.a.length));
        row.appendChild(el("td", null, d.lang));
        row.appendChild(el("td", "url", d.url));
      });
    });
  }

  // -- one document -------------------------------------------------------------------------------
  var docMode = "edits";
  var lastView = "findings";
  function docFinding(d, di, a) {
    var f = {d: di, key: d.k, source: d.source, id: d.id, title: d.title, url: d.url, verdict: d.verdict,
      lang: d.lang, kind: a.kind, rule: a.rule, action: a.action, score: a.score, start: a.start, end: a.end,
      text: a.text, replacement: a.replacement, suggestions: a.suggestions, message: a.message};
    if (d.o !== null) {  // in its document the card shows the original around it
      f.before = slice(d, a.start - 60, a.start);
      f.after = slice(d, a.end, a.end + 60);
    }
    return f;
  }
  function missedIn(d) {
    return Object.keys(decisions).map(function (k) { return decisions[k]; }).filter(function (o) {
      return o.decision === "missed" && ["m", d.k, o.start, o.end].join("\u0001") === o.key;
    }).sort(function (x, y) { return x.start - y.start; });
  }
  function piece(tag, cls, start, text) {
    var n = el(tag, cls, text);
    n.setAttribute("data-o", String(start));
    return n;
  }
  function plain(box, d, start, end, missed) {
    // the unchanged text [start, end), cut where a missed span begins or ends
    var cuts = [start, end];
    missed.forEach(function (m) {
      [m.start, m.end].forEach(function (p) { if (p > start && p < end) { cuts.push(p); } });
    });
    cuts.sort(function (x, y) { return x - y; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      if (b <= a) { continue; }
      var inMissed = missed.some(function (m) { return m.start <= a && b <= m.end; });
      box.appendChild(piece("span", inMissed ? "missed" : null, a, slice(d, a, b)));
    }
  }
  function docText(d, di) {
    var box = el("div", "mode-" + docMode);
    box.id = "doctext";
    var missed = missedIn(d);
    var pos = 0;
    d.a.forEach(function (a, i) {
      var f = docFinding(d, di, a);
      var dec = decided(f);
      var edit = a.action !== "flag";
      var s = edit ? a.es : a.start, e = edit ? a.ee : a.end;
      if (s < pos) {  // a flag overlapping another rule's flag: show the part after it
        if (e <= pos) { return; }
        s = pos;
      }
      plain(box, d, pos, s, missed);
      var n = box.appendChild(piece(edit ? "del" : "mark", dec ? "d-" + dec : null, s, slice(d, s, e)));
      n.title = a.rule + ": " + a.message;
      n.setAttribute("data-a", String(i));
      n.addEventListener("click", function () { focusCard(i); });
      if (edit && a.replacement) { box.appendChild(el("ins", null, a.replacement)); }
      pos = e;
    });
    plain(box, d, pos, cps(d).length, missed);
    return box;
  }
  function focusCard(i) {
    var c = document.getElementById("a-" + i);
    if (!c) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".f.focus"), function (x) { x.classList.remove("focus"); });
    c.classList.add("focus");
    c.scrollIntoView({block: "center"});
  }
  function endpoint(box, node, offset) {
    // the code-point offset in the original text of a selection end, or null outside the document's own text
    if (!box.contains(node)) { return null; }
    if (node.nodeType !== 3) {
      var kids = node.childNodes;
      if (offset < kids.length) { return endpoint(box, kids[offset], 0); }
      if (!kids.length) { return null; }
      var last = kids[kids.length - 1];
      return endpoint(box, last.nodeType === 3 ? last : last.lastChild || last, (last.textContent || "").length);
    }
    var host = node.parentNode;
    if (!host || !host.hasAttribute || !host.hasAttribute("data-o")) { return null; }
    return parseInt(host.getAttribute("data-o"), 10) + Array.from(node.data.slice(0, offset)).length;
  }
  function selectedSpan(box) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var r = sel.getRangeAt(0);
    var a = endpoint(box, r.startContainer, r.startOffset);
    var b = endpoint(box, r.endContainer, r.endOffset);
    if (a === null || b === null || b <= a) { return null; }
    return [a, b];
  }
  function renderDoc(s) {
    var view = document.getElementById("doc-view");
    view.textContent = "";
    var di = parseInt(s.doc, 10);
    var d = docs[di];
    if (!d) { view.appendChild(el("p", null, "No such document in this page.")); return; }
    var at = withFindings.indexOf(di);
    var prev = -1, next = -1;
    withFindings.forEach(function (i) {
      if (i < di) { prev = i; }
      if (i > di && next < 0) { next = i; }
    });
    var nav = view.appendChild(el("div", "docnav"));
    nav.appendChild(button("\u2190 previous document with findings", function () { go({doc: prev, a: ""}); }))
      .disabled = prev < 0;
    nav.appendChild(button("next document with findings \u2192", function () { go({doc: next, a: ""}); }))
      .disabled = next < 0;
    nav.appendChild(el("span", "meta", at >= 0 ? "document " + (at + 1) + " of " + withFindings.length +
      " with findings in this page" : "a document without findings"));
    view.appendChild(el("h2", null, label(d)));
    var info = {source: d.source, id: d.id, title: "", url: d.url, verdict: d.verdict};
    view.appendChild(whoLine(info));
    view.appendChild(el("div", "meta", "language " + d.lang + " \u00b7 format " + d.format + " \u00b7 " +
      d.a.length + " findings \u00b7 " + d.chars + " characters"));
    if (d.o === null) {
      view.appendChild(el("p", null, "This document's text is not in the page (" + d.why + "); its findings are " +
        "listed below, and annotations.jsonl has it all."));
    } else {
      var modes = view.appendChild(el("div", "modes"));
      modes.appendChild(el("span", "meta", "show: "));
      [["edits", "original and cleaned, every edit marked"], ["original", "the original"],
        ["cleaned", "the cleaned text"]].forEach(function (m) {
        modes.appendChild(button(m[1], function () { docMode = m[0]; render(); }, docMode === m[0]));
      });
      if (d.guessed) {
        view.appendChild(el("p", "meta", "The whitespace that cleaning took along with " + d.guessed +
          " of the edits is not in annotations.jsonl; it is shown as it most likely was."));
      }
      var box = view.appendChild(docText(d, di));
      var bar = view.appendChild(el("div"));
      bar.id = "missbar";
      bar.appendChild(el("span", null, "Select text the run missed, then mark it as: "));
      KINDS.forEach(function (k) {
        bar.appendChild(button(k, function () {
          var span = selectedSpan(box);
          if (!span) {
            bar.lastChild.textContent = " select some of the document's own text first (not a replacement)";
            return;
          }
          addMissed(di, span[0], span[1], k);
        })).className = "miss k-" + k;
      });
      bar.appendChild(el("span", "meta", ""));
    }
    view.appendChild(el("h3", null, "Findings in this document"));
    if (!d.a.length) { view.appendChild(el("p", "meta", "none")); }
    d.a.forEach(function (a, i) {
      var c = view.appendChild(card(docFinding(d, di, a), false));
      c.id = "a-" + i;
    });
    var missed = missedIn(d);
    if (missed.length) {
      view.appendChild(el("h3", null, "Marked as missed"));
      missed.forEach(function (m) {
        var c = view.appendChild(el("div", "f d-missed"));
        c.appendChild(el("span", "tag k-" + m.kind, m.kind));
        c.appendChild(el("span", "ctx", m.text));
        c.appendChild(button("remove", function () { delete decisions[m.key]; save(); }));
      });
    }
    if (s.a !== "") {
      d.a.forEach(function (a, i) { if (String(a.start) === s.a) { setTimeout(function () { focusCard(i); }, 0); } });
    }
  }

  // -- decisions view -----------------------------------------------------------------------------
  function renderDecisions() {
    var box = document.getElementById("decisionlist");
    box.textContent = "";
    var keys = Object.keys(decisions).sort();
    var count = {correct: 0, wrong: 0, missed: 0};
    keys.forEach(function (k) { count[decisions[k].decision] += 1; });
    box.appendChild(el("p", null, count.correct + " correct, " + count.wrong + " wrong, " + count.missed +
      " missed" + (storageOk ? "" : " (this browser keeps nothing for this page: export before you close it)")));
    if (!keys.length) { return; }
    var t = box.appendChild(el("table", "wide"));
    var head = t.appendChild(el("tr"));
    ["decision", "kind", "rule", "text", "document", ""].forEach(function (h) { head.appendChild(el("th", null, h)); });
    keys.forEach(function (k) {
      var o = decisions[k];
      var row = t.appendChild(el("tr"));
      row.appendChild(el("td", null, o.decision));
      row.appendChild(el("td", null, o.kind));
      row.appendChild(el("td", null, o.rule || ""));
      row.appendChild(el("td", "ctx", o.text));
      row.appendChild(el("td", null, label(o)));
      row.appendChild(el("td")).appendChild(button("remove", function () { delete decisions[k]; save(); }));
    });
  }

  // -- the page -----------------------------------------------------------------------------------
  function render() {
    var s = state();
    var view = s.view || "findings";
    ["findings", "docs", "doc", "decisions"].forEach(function (v) {
      document.getElementById(v + "-view").classList.toggle("hide", v !== view);
    });
    document.getElementById("filters").classList.toggle("hide", view !== "findings");
    ["findings", "docs", "decisions"].forEach(function (v) {
      document.getElementById("nav-" + v).classList.toggle("on", v === view);
    });
    var n = Object.keys(decisions).length;
    document.getElementById("nav-decisions").textContent = "Decisions (" + n + ")";
    document.getElementById("nav-docs").textContent = "Documents (" + docs.length + " in this page)";
    document.getElementById("save").textContent = saveNote;
    var rendered = renderFindings(s);
    if (view === "docs") { renderDocLists(); }
    if (view === "doc") { renderDoc(s); }
    if (view === "decisions") { renderDecisions(); }
    if (view !== lastView && view !== "findings") {
      document.getElementById("bar").scrollIntoView();
    }
    lastView = view;
    document.documentElement.setAttribute("data-view", view);
    document.documentElement.setAttribute("data-decisions", String(n));
    document.documentElement.setAttribute("data-rendered", String(rendered));
  }
  ["kind", "rule", "verdict"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function (ev) {
      var c = {page: 1};
      c[id] = ev.target.value;
      go(c);
    });
  });
  document.getElementById("q").addEventListener("change", function (ev) { go({q: ev.target.value, page: 1}); });
  document.getElementById("export").addEventListener("click", download);
  window.addEventListener("hashchange", render);
  if (!storageOk) { saveNote = "this browser keeps nothing for this page: export before you close it"; }
  render();
  if (served) { pull(); }
})();
