// Charts drawn as SVG by hand: a time series (lines with their points) and
// bars. Small enough that no charting library is needed; each chart says
// what it shows in its accessible name and carries its point count in
// data-points.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const W = 640, H = 220, L = 64, R = 16, T = 28, B = 32;
  const colours = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989"];

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function short(v) {
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(1) + "G";
    if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (a >= 1e3) return (v / 1e3).toFixed(1) + "k";
    if (a > 0 && a < 0.01) return v.toPrecision(2);
    return String(Math.round(v * 100) / 100);
  }

  function frame(title, label) {
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart-svg" });
    s.append(svg("text", { x: L, y: 16, class: "chart-title" }, title));
    return s;
  }

  function yAxis(s, max) {
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4, y = T + (H - T - B) * (1 - i / 4);
      s.append(svg("line", { x1: L, x2: W - R, y1: y, y2: y, class: "grid" }));
      s.append(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "tick" }, short(v)));
    }
  }

  // lineChart draws series [{name, points: [{t: Date, v}]}] between from
  // and to (Dates).
  function lineChart(box, { title, unit, series, from, to }) {
    const n = series.reduce((a, s) => a + s.points.length, 0);
    const s = frame(title + (unit ? " (" + unit + ")" : ""), `${title}: ${n} data points`);
    let max = 0;
    for (const se of series) for (const p of se.points) max = Math.max(max, p.v);
    if (unit === "Percent") max = Math.max(max, 100);
    max = max > 0 ? max * 1.1 : 1;
    yAxis(s, max);
    const t0 = from.getTime(), span = Math.max(1, to.getTime() - t0);
    const x = (t) => L + ((W - L - R) * (t.getTime() - t0)) / span;
    const y = (v) => T + (H - T - B) * (1 - v / max);
    for (const f of [0, 0.5, 1]) {
      const t = new Date(t0 + span * f);
      s.append(svg("text", { x: L + (W - L - R) * f, y: H - 10, "text-anchor": f === 0 ? "start" : f === 1 ? "end" : "middle", class: "tick" },
        span > 2 * 86400e3 ? t.toLocaleDateString() : t.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })));
    }
    series.forEach((se, i) => {
      const c = colours[i % colours.length];
      const pts = se.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
      if (pts.length > 1) s.append(svg("polyline", { points: pts.join(" "), fill: "none", stroke: c, "stroke-width": 2 }));
      for (const p of se.points) {
        const dot = svg("circle", { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 3, fill: c, class: "point" });
        dot.append(svg("title", {}, `${se.name}: ${short(p.v)} at ${p.t.toLocaleString()}`));
        s.append(dot);
      }
      if (series.length > 1) {
        s.append(svg("rect", { x: W - R - 150, y: T + 4 + i * 16, width: 10, height: 10, fill: c }));
        s.append(svg("text", { x: W - R - 134, y: T + 13 + i * 16, class: "tick" }, se.name));
      }
    });
    if (n === 0) s.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "No data points yet"));
    box.replaceChildren(s);
    box.dataset.points = String(n);
  }

  // barChart draws bars [{label, value}] (values in USD).
  function barChart(box, { title, bars }) {
    const s = frame(title, `${title}: ${bars.map((b) => b.label + " " + short(b.value)).join(", ")}`);
    const max = Math.max(0, ...bars.map((b) => b.value)) * 1.1 || 1;
    yAxis(s, max);
    const slot = (W - L - R) / Math.max(1, bars.length);
    bars.forEach((b, i) => {
      const h = ((H - T - B) * b.value) / max;
      const r = svg("rect", { x: L + i * slot + slot * 0.15, y: H - B - h, width: slot * 0.7, height: Math.max(0, h), fill: colours[i % colours.length], class: "bar" });
      r.append(svg("title", {}, `${b.label}: $${b.value.toFixed(4)}`));
      s.append(r);
      s.append(svg("text", { x: L + i * slot + slot / 2, y: H - 12, "text-anchor": "middle", class: "tick" }, b.label.length > 18 ? b.label.slice(0, 17) + "…" : b.label));
    });
    if (bars.length === 0) s.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "Nothing to show yet"));
    box.replaceChildren(s);
    box.dataset.points = String(bars.length);
  }

  window.ec2x.lineChart = lineChart;
  window.ec2x.barChart = barChart;
})();
