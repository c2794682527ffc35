// Experiment results: running and past experiments with their arms, and the finished ones' decisions.
// Written against the public `experiments` / `experimentResults` fields; where the API does not offer them yet
// (the document fails validation), the screen says so instead of failing.
import { ApiError, gql } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { count, dateTime, percent } from "../format.js";

const EXPERIMENTS = `{
  experiments { id name hypothesis kind status rollout exposures startedAt stoppedAt stopReason
    arms { name weight rankerVersion } }
  experimentResults { experimentId name metric sample effect relativeEffect intervalLow intervalHigh decision
    srmFlagged finishedAt }
}`;

function missingFromApi(error) {
  return error instanceof ApiError && error.code === "BAD_USER_INPUT" && /Cannot query field/.test(error.message);
}

function interval(low, high) {
  return low === null || high === null ? "—" : `[${low.toFixed(4)}, ${high.toFixed(4)}]`;
}

function experimentRow(e) {
  const arms = e.arms.map((a) => `${a.name} ${percent(a.weight, 0)}${a.rankerVersion ? ` (${a.rankerVersion})` : ""}`);
  return h(
    "tr",
    { "data-experiment": e.id },
    h("td", {}, h("strong", {}, e.name), h("br"), h("small", { class: "muted" }, e.hypothesis)),
    h("td", {}, t(`experimentStatus.${e.status}`)),
    h("td", {}, arms.join(" · ")),
    h("td", {}, percent(e.rollout, 0)),
    h("td", {}, count(e.exposures)),
    h("td", {}, dateTime(e.startedAt)),
    h("td", {}, e.stopReason || ""),
  );
}

function resultRow(r) {
  return h(
    "tr",
    { "data-result": r.experimentId, class: r.srmFlagged ? "alert" : null },
    h("td", {}, r.name),
    h("td", {}, t(`experimentMetric.${r.metric}`)),
    h("td", {}, count(r.sample)),
    h("td", {}, r.relativeEffect === null ? r.effect.toFixed(4) : `${r.effect.toFixed(4)} (${percent(r.relativeEffect)})`),
    h("td", {}, interval(r.intervalLow, r.intervalHigh)),
    h("td", {}, t(`experimentDecision.${r.decision}`), r.srmFlagged ? ` · ${t("experiments.srm")}` : ""),
    h("td", {}, dateTime(r.finishedAt)),
  );
}

function table(prefix, columns, rows) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, t(`${prefix}.${c}`))))),
    h("tbody", {}, rows),
  );
}

export async function experimentsView() {
  let data;
  try {
    data = await gql(EXPERIMENTS);
  } catch (error) {
    if (!missingFromApi(error)) throw error;
    return h("div", {}, h("h1", {}, t("experiments.title")), h("p", { class: "empty" }, t("experiments.none")));
  }
  return h(
    "div",
    {},
    h("h1", {}, t("experiments.title")),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("experiments.list"), h("span", { class: "muted" }, ` (${data.experiments.length})`)),
      data.experiments.length
        ? table("experiments.col", ["name", "status", "arms", "rollout", "exposures", "started", "reason"], data.experiments.map(experimentRow))
        : h("p", { class: "empty" }, t("experiments.noneYet")),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("experiments.results"), h("span", { class: "muted" }, ` (${data.experimentResults.length})`)),
      data.experimentResults.length
        ? table("experiments.col", ["name", "metric", "sample", "effect", "interval", "decision", "finished"], data.experimentResults.map(resultRow))
        : h("p", { class: "empty" }, t("experiments.noResults")),
    ),
  );
}
