// Content mix against its target (PGC / UGC / COMMERCIAL) and the publishing frequency.
import { gql } from "../api.js";
import { shareBars } from "../charts.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { count, dateTime } from "../format.js";

const MIX = `{ contentMix { windowDays total shares { kind count sharePercent targetPercent deviationPoints alert }
  marginPoints alert piecesPerWeek piecesPerWeekTarget frequencyAlert computedAt } }`;

export async function contentView() {
  const mix = (await gql(MIX)).contentMix;
  const rows = mix.shares.map((s) => ({
    key: s.kind,
    label: t(`kind.${s.kind}`),
    share: s.sharePercent / 100,
    target: s.targetPercent / 100,
    alert: s.alert,
    note: t("content.share", { share: s.sharePercent.toFixed(1), target: s.targetPercent.toFixed(0), n: count(s.count) }),
  }));
  return h(
    "div",
    {},
    h("h1", {}, t("content.title")),
    h("p", { class: "muted" }, t("content.window", { days: mix.windowDays, total: count(mix.total), at: dateTime(mix.computedAt) })),
    h("section", { class: `panel${mix.alert ? " alert" : ""}` }, h("h2", {}, t("content.mix")), shareBars(rows),
      h("p", { class: "muted" }, t("content.margin", { points: mix.marginPoints }))),
    h(
      "section",
      { class: `panel${mix.frequencyAlert ? " alert" : ""}` },
      h("h2", {}, t("content.frequency")),
      shareBars([
        {
          key: "frequency",
          label: t("content.perWeek"),
          share: Math.min(1, mix.piecesPerWeek / (2 * mix.piecesPerWeekTarget || 1)),
          target: 0.5,
          alert: mix.frequencyAlert,
          note: t("content.perWeekNote", { value: mix.piecesPerWeek.toFixed(1), target: mix.piecesPerWeekTarget.toFixed(1) }),
        },
      ]),
    ),
  );
}
