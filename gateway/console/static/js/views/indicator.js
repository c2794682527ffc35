// One indicator: definition, lines, trend, its history plotted against target / warn / critical, its drivers.
import { gql } from "../api.js";
import { historyPlot, shareBars } from "../charts.js";
import { h } from "../dom.js";
import { named, t } from "../i18n.js";
import { dateTime, indicatorChange, indicatorTick, indicatorValue } from "../format.js";
import { statusBadge } from "./health.js";

const DETAIL = `query($key: String!) {
  healthIndicator(key: $key, first: 90) {
    indicator { key name level dimension parentKey unit direction definition basis value target warn critical status
      trend { change7d change28d } computedAt }
    history { at value status }
    breakdowns { dimension segments { segment value status members } }
  }
  secondary: healthIndicators(level: SECONDARY) { key name parentKey unit value status }
}`;

function axisUnit(indicator) {
  if (indicator.unit === "cents") return t("unit.money");
  return indicator.unit === "ratio" ? "" : t(`unit.${indicator.unit}`);
}

// Catalogue prefix of each breakdown dimension's segment names.
const SEGMENT_PREFIX = { TIER: "tier", RFM_LAYER: "layer", CHANNEL: "channel" };

/** One dimension's measured segments as bars scaled to the largest value (or the target), the target marked. */
function breakdownBars(breakdown, indicator, format) {
  const measured = breakdown.segments.filter((s) => s.members > 0);
  if (!measured.length) return h("p", { class: "muted" }, t("indicator.noSegments"));
  const scale = Math.max(indicator.target, ...measured.map((s) => s.value ?? 0)) || 1;
  return shareBars(
    measured.map((s) => ({
      key: s.segment,
      label: t(`${SEGMENT_PREFIX[breakdown.dimension]}.${s.segment}`),
      share: (s.value ?? 0) / scale,
      target: indicator.target / scale,
      alert: s.status === "WARN" || s.status === "CRITICAL",
      note: t("indicator.segmentNote", { value: format(s.value), status: t(`status.${s.status}`), n: s.members }),
    })),
  );
}

function fact(label, value) {
  return [h("dt", {}, t(label)), h("dd", {}, value)];
}

export async function indicatorView(context, key) {
  const data = await gql(DETAIL, { key });
  const { indicator, history, breakdowns } = data.healthIndicator;
  const format = (v) => indicatorValue(v, indicator.unit, indicator.key);
  const tick = (v) => indicatorTick(v, indicator.unit, indicator.key);
  const points = [...history].reverse();
  const drivers = data.secondary.filter((i) => i.parentKey === indicator.key);
  const name = named("ind", indicator.key, indicator.name);
  return h(
    "div",
    { class: "indicator-detail", "data-key": indicator.key },
    h("p", {}, h("a", { href: "#/health" }, `← ${t("health.back")}`)),
    h("h1", {}, name, " ", statusBadge(indicator.status)),
    h(
      "dl",
      { class: "facts" },
      fact("indicator.value", format(indicator.value)),
      fact("indicator.target", format(indicator.target)),
      fact("indicator.warn", format(indicator.warn)),
      fact("indicator.critical", format(indicator.critical)),
      fact("indicator.direction", t(`direction.${indicator.direction}`)),
      fact("indicator.change7d", indicatorChange(indicator.trend.change7d, indicator.unit, indicator.key)),
      fact("indicator.change28d", indicatorChange(indicator.trend.change28d, indicator.unit, indicator.key)),
      fact("indicator.computedAt", dateTime(indicator.computedAt)),
    ),
    h("h2", {}, t("indicator.history"), h("span", { class: "muted" }, ` (${history.length})`)),
    points.length ? historyPlot(points, indicator, { format, tick, unit: axisUnit(indicator) }) : h("p", { class: "muted" }, t("indicator.noHistory")),
    breakdowns.length
      ? h(
          "section",
          { class: "breakdowns" },
          h("h2", {}, t("indicator.breakdowns")),
          breakdowns.map((b) =>
            h("div", { class: "breakdown", "data-dimension": b.dimension }, h("h3", {}, t(`breakdown.${b.dimension}`)), breakdownBars(b, indicator, format)),
          ),
        )
      : null,
    h("h2", {}, t("indicator.definition")),
    h("p", { class: "definition" }, indicator.definition),
    h("p", { class: "muted" }, t("indicator.basis"), " ", indicator.basis),
    drivers.length
      ? [
          h("h2", {}, t("indicator.drivers")),
          h(
            "ul",
            { class: "drivers" },
            drivers.map((d) =>
              h(
                "li",
                {},
                h("a", { href: `#/health/${encodeURIComponent(d.key)}` }, named("ind", d.key, d.name)),
                " ",
                indicatorValue(d.value, d.unit, d.key),
                " ",
                statusBadge(d.status),
              ),
            ),
          ),
        ]
      : null,
    h(
      "details",
      { class: "history-table" },
      h("summary", {}, t("indicator.table")),
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}, t("indicator.at")), h("th", {}, t("indicator.value")), h("th", {}, t("indicator.status")))),
        h(
          "tbody",
          {},
          history.map((p) => h("tr", {}, h("td", {}, dateTime(p.at)), h("td", {}, format(p.value)), h("td", {}, statusBadge(p.status)))),
        ),
      ),
    ),
  );
}
