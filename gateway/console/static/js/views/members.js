// Tier distribution, the RFM pyramid and the members directory (membersConnection, a page at a time).
import { gql } from "../api.js";
import { shareBars } from "../charts.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { count, date, percent } from "../format.js";

const VALUE = `{
  tierDistribution { tier members share targetShare }
  rfmPyramid { layer members share targetShare treatment { summary } }
}`;
const PAGE = `query($after: String) {
  membersConnection(first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id handle displayName roles tier rfmLayer joinedAt } }
  }
}`;
// Top of the pyramid first.
const LAYERS = ["CORE", "ACTIVATED", "BASE"];

function pyramid(layers) {
  const byLayer = Object.fromEntries(layers.map((l) => [l.layer, l]));
  return h(
    "div",
    { class: "pyramid" },
    LAYERS.filter((name) => byLayer[name]).map((name, i) => {
      const layer = byLayer[name];
      const off = layer.share < layer.targetShare;
      return h(
        "div",
        { class: `pyramid-layer layer-${i}${off ? " below" : ""}`, "data-layer": name, title: layer.treatment.summary },
        h("strong", {}, t(`layer.${name}`)),
        h("span", {}, t("members.layerShare", { n: count(layer.members), share: percent(layer.share), target: percent(layer.targetShare) })),
      );
    }),
  );
}

function directory() {
  const body = h("tbody", {});
  const total = h("span", { class: "muted" });
  const more = h("button", { type: "button" }, t("members.more"));
  let after = null;
  async function next() {
    more.disabled = true;
    const page = (await gql(PAGE, { after })).membersConnection;
    replace(total, ` (${count(page.totalCount)})`);
    for (const { node } of page.edges) {
      body.append(
        h(
          "tr",
          { "data-handle": node.handle },
          h("td", {}, `@${node.handle}`),
          h("td", {}, node.displayName),
          h("td", {}, t(`tier.${node.tier}`)),
          h("td", {}, t(`layer.${node.rfmLayer}`)),
          h("td", {}, node.roles.map((r) => t(`role.${r}`)).join(", ")),
          h("td", {}, date(node.joinedAt)),
        ),
      );
    }
    after = page.pageInfo.endCursor;
    more.hidden = !page.pageInfo.hasNextPage;
    more.disabled = false;
  }
  more.addEventListener("click", next);
  const columns = ["handle", "name", "tier", "layer", "roles", "joined"];
  const table = h(
    "table",
    { class: "directory" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, t(`members.col.${c}`))))),
    body,
  );
  return { node: h("section", { class: "panel" }, h("h2", {}, t("members.directory"), total), table, more), next };
}

export async function membersView() {
  const value = await gql(VALUE);
  const tiers = value.tierDistribution.map((e) => ({
    key: e.tier,
    label: t(`tier.${e.tier}`),
    share: e.share,
    target: e.targetShare,
    note: e.targetShare === null ? `${count(e.members)} · ${percent(e.share)}` : t("members.tierShare", { n: count(e.members), share: percent(e.share), target: percent(e.targetShare) }),
  }));
  const list = directory();
  await list.next();
  return h(
    "div",
    {},
    h("h1", {}, t("members.title")),
    h(
      "div",
      { class: "two" },
      h("section", { class: "panel" }, h("h2", {}, t("members.tiers")), shareBars(tiers)),
      h("section", { class: "panel" }, h("h2", {}, t("members.pyramid")), pyramid(value.rfmPyramid)),
    ),
    list.node,
  );
}
