// Health overview: the 12 primary indicators as a traffic-light grid with sparklines, the 38 secondary beneath.
import { gql } from "../api.js";
import { sparkline } from "../charts.js";
import { h } from "../dom.js";
import { named, t } from "../i18n.js";
import { dateTime, indicatorChange, indicatorValue } from "../format.js";

const FIELDS = "key name level dimension parentKey unit direction value target status trend { change7d change28d } computedAt";
const LISTS = `{
  primary: healthIndicators(level: PRIMARY) { ${FIELDS} }
  secondary: healthIndicators(level: SECONDARY) { ${FIELDS} }
}`;
export const DIMENSIONS = ["MEMBERS", "CONTENT", "COMMERCE", "COMMUNITY"];
const HISTORY_POINTS = 30;

/** One query for every primary indicator's history (newest first), the keys passed as variables. */
async function histories(keys) {
  if (!keys.length) return {};
  const params = keys.map((_, i) => `$k${i}: String!`).join(", ");
  const fields = keys
    .map((_, i) => `h${i}: healthIndicator(key: $k${i}, first: ${HISTORY_POINTS}) { history { at value } }`)
    .join("\n");
  const variables = Object.fromEntries(keys.map((key, i) => [`k${i}`, key]));
  const data = await gql(`query(${params}) {\n${fields}\n}`, variables);
  return Object.fromEntries(keys.map((key, i) => [key, data[`h${i}`].history.map((p) => p.value).reverse()]));
}

export function statusBadge(status) {
  return h("span", { class: `badge status-${status}` }, t(`status.${status}`));
}

function trend(indicator) {
  const change = indicator.trend.change7d;
  const arrow = change === null ? "" : change > 0 ? "▲" : change < 0 ? "▼" : "■";
  return h(
    "span",
    { class: "trend", title: t("health.trend28", { change: indicatorChange(indicator.trend.change28d, indicator.unit, indicator.key) }) },
    `${arrow} ${t("health.trend7", { change: indicatorChange(change, indicator.unit, indicator.key) })}`,
  );
}

function card(indicator, values) {
  return h(
    "a",
    {
      class: `card indicator status-${indicator.status}`,
      href: `#/health/${encodeURIComponent(indicator.key)}`,
      "data-key": indicator.key,
      "data-status": indicator.status,
    },
    h("span", { class: "light", "aria-hidden": "true" }),
    h("span", { class: "card-name" }, named("ind", indicator.key, indicator.name)),
    h("span", { class: "card-value" }, indicatorValue(indicator.value, indicator.unit, indicator.key)),
    h("span", { class: "card-target" }, t("health.target", { target: indicatorValue(indicator.target, indicator.unit, indicator.key) })),
    sparkline(values || []),
    h("span", { class: "card-foot" }, statusBadge(indicator.status), trend(indicator)),
  );
}

function tile(indicator) {
  return h(
    "a",
    {
      class: `tile status-${indicator.status}`,
      href: `#/health/${encodeURIComponent(indicator.key)}`,
      "data-key": indicator.key,
      "data-status": indicator.status,
      title: t(`status.${indicator.status}`),
    },
    h("span", { class: "light", "aria-hidden": "true" }),
    h("span", { class: "tile-name" }, named("ind", indicator.key, indicator.name)),
    h("span", { class: "tile-value" }, indicatorValue(indicator.value, indicator.unit, indicator.key)),
  );
}

function summary(primary) {
  const counts = { OK: 0, WARN: 0, CRITICAL: 0, NO_DATA: 0 };
  for (const i of primary) counts[i.status] += 1;
  return h(
    "p",
    { class: "summary" },
    Object.entries(counts).map(([status, n]) => h("span", { class: `pill status-${status}` }, `${t(`status.${status}`)} ${n}`)),
    h("span", { class: "muted" }, t("health.computedAt", { at: dateTime(primary[0]?.computedAt) })),
  );
}

export async function healthView() {
  const { primary, secondary } = await gql(LISTS);
  const series = await histories(primary.map((i) => i.key));
  const grid = h(
    "section",
    { class: "grid", "aria-label": t("health.primary") },
    DIMENSIONS.map((dimension) =>
      h(
        "div",
        { class: "column", "data-dimension": dimension },
        h("h3", {}, t(`dimension.${dimension}`)),
        primary.filter((i) => i.dimension === dimension).map((i) => card(i, series[i.key])),
      ),
    ),
  );
  const beneath = h(
    "section",
    { class: "secondary", "aria-label": t("health.secondary") },
    h("h2", {}, t("health.secondary"), h("span", { class: "muted" }, ` (${secondary.length})`)),
    primary.map((parent) => {
      const children = secondary.filter((i) => i.parentKey === parent.key);
      if (!children.length) return null;
      return h(
        "div",
        { class: "tile-group" },
        h("h4", {}, named("ind", parent.key, parent.name)),
        h("div", { class: "tiles" }, children.map(tile)),
      );
    }),
  );
  return h("div", {}, h("h1", {}, t("health.title"), h("span", { class: "muted" }, ` (${primary.length})`)), summary(primary), grid, beneath);
}
