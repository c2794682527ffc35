// Revenue mix: the four streams against their target shares, with the headline figures beside their targets.
import { gql } from "../api.js";
import { shareBars } from "../charts.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { count, money, percent } from "../format.js";

const REPORT = `query($period: String!) { revenueReport(period: $period) {
  period currency revenueCents costsCents grossMargin grossMarginTargetLow grossMarginTargetHigh mrrCents arpuCents
  arpuTargetCents payingMembers ltvToCac ltvToCacTarget cvr cvrTarget
  mix { stream amountCents share targetShare } } }`;

function figure(label, value, target) {
  return h("div", { class: "figure" }, h("span", { class: "muted" }, t(label)), h("strong", {}, value), target ? h("small", {}, t("health.target", { target })) : null);
}

async function report(period) {
  const r = (await gql(REPORT, { period })).revenueReport;
  const cur = r.currency;
  const rows = r.mix.map((m) => ({
    key: m.stream,
    label: t(`stream.${m.stream}`),
    share: m.share,
    target: m.targetShare,
    note: t("revenue.share", { amount: money(m.amountCents, cur), share: percent(m.share), target: percent(m.targetShare) }),
  }));
  return [
    h(
      "div",
      { class: "figures" },
      figure("revenue.revenue", money(r.revenueCents, cur)),
      figure("revenue.mrr", money(r.mrrCents, cur)),
      figure("revenue.arpu", money(r.arpuCents, cur), money(r.arpuTargetCents, cur)),
      figure("revenue.paying", count(r.payingMembers)),
      figure("revenue.margin", percent(r.grossMargin), `${percent(r.grossMarginTargetLow, 0)}–${percent(r.grossMarginTargetHigh, 0)}`),
      figure("revenue.ltvCac", r.ltvToCac === null ? "—" : r.ltvToCac.toFixed(2), r.ltvToCacTarget.toFixed(1)),
      figure("revenue.cvr", percent(r.cvr), percent(r.cvrTarget)),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("revenue.mix")),
      r.revenueCents ? null : h("p", { class: "muted" }, t("revenue.none")),
      shareBars(rows),
    ),
  ];
}

export async function revenueView() {
  const now = new Date();
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
  const body = h("div", {}, await report(month));
  const picker = h("input", { type: "month", value: month, "aria-label": t("revenue.period") });
  picker.addEventListener("change", async () => {
    if (picker.value) replace(body, await report(picker.value));
  });
  return h("div", {}, h("h1", {}, t("revenue.title")), h("label", { class: "inline" }, t("revenue.period"), " ", picker), body);
}
