// Pictures: SVG sparklines and share bars drawn here, the history plot by uPlot (vendor/, a pinned file).
import { h, s } from "./dom.js";
import { t } from "./i18n.js";

/** A sparkline of values oldest first (nulls leave gaps); empty with fewer than two points. */
export function sparkline(values, { width = 120, height = 32 } = {}) {
  const known = values.filter((v) => v !== null && v !== undefined);
  const svg = s("svg", { class: "sparkline", viewBox: `0 0 ${width} ${height}`, width, height, "aria-hidden": "true" });
  if (known.length < 2) return svg;
  const low = Math.min(...known);
  const high = Math.max(...known);
  const span = high - low || 1;
  const x = (i) => (values.length === 1 ? width / 2 : (i / (values.length - 1)) * (width - 4) + 2);
  const y = (v) => height - 3 - ((v - low) / span) * (height - 6);
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || v === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  });
  svg.append(s("path", { d: d.trim(), class: "sparkline-line" }));
  const last = values.length - 1;
  if (values[last] !== null && values[last] !== undefined) {
    svg.append(s("circle", { cx: x(last), cy: y(values[last]), r: 2.2, class: "sparkline-dot" }));
  }
  return svg;
}

/**
 * Horizontal bars: one row per entry with its share (0-1) and, when given, a marker at its target share.
 * rows: [{label, share, target, note, alert}]
 */
export function shareBars(rows) {
  return h(
    "div",
    { class: "bars" },
    rows.map((row) =>
      h(
        "div",
        { class: `bar-row${row.alert ? " alert" : ""}`, "data-label": row.key ?? row.label },
        h("span", { class: "bar-label" }, row.label),
        h(
          "span",
          { class: "bar-track" },
          h("span", { class: "bar-fill", style: { width: `${Math.min(100, Math.max(0, row.share * 100))}%` } }),
          row.target === null || row.target === undefined
            ? null
            : h("span", {
                class: "bar-target",
                title: t("chart.target"),
                style: { left: `${Math.min(100, Math.max(0, row.target * 100))}%` },
              }),
        ),
        h("span", { class: "bar-note" }, row.note),
      ),
    ),
  );
}

/**
 * The history of one indicator (points oldest first) with its target, warn and critical lines, by uPlot.
 * Returns the container; the plot is sized to it once it is in the page.
 */
export function historyPlot(points, lines, { format, tick, unit }) {
  const box = h("div", { class: "history-plot" });
  const xs = points.map((p) => new Date(p.at).getTime() / 1000);
  const ys = points.map((p) => p.value);
  const flat = (v) => xs.map(() => v);
  const data = [xs, ys, flat(lines.target), flat(lines.warn), flat(lines.critical)];
  const line = (label, stroke, dash) => ({ label, stroke, width: 1.5, dash, points: { show: false } });
  const opts = {
    width: 640,
    height: 280,
    scales: { x: { time: true } },
    series: [
      {},
      { label: t("chart.value"), stroke: "#1d4ed8", width: 2, points: { size: 6 }, value: (u, v) => format(v) },
      line(t("chart.target"), "#15803d", [6, 4]),
      line(t("chart.warn"), "#b45309", [3, 3]),
      line(t("chart.critical"), "#b91c1c", [3, 3]),
    ],
    axes: [{}, { values: (u, vals) => vals.map((v) => tick(v)), size: 64, label: unit || undefined }],
  };
  requestAnimationFrame(() => {
    if (typeof uPlot === "undefined") {
      box.append(h("p", { class: "muted" }, t("chart.unavailable")));
      return;
    }
    opts.width = Math.max(320, box.clientWidth || 640);
    // eslint-disable-next-line no-undef
    new uPlot(opts, data, box);
  });
  return box;
}
