// Partner access: the community's API keys and the webhook delivery log.
import { gql } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { dateTime } from "../format.js";

const PARTNERS = `{
  apiKeys { id name prefix scopes createdAt expiresAt lastUsedAt revokedAt stale }
  webhookDeliveries(first: 50) { eventId topic status attempts createdAt deliveredAt lastError }
}`;

function table(columns, rows) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, t(c))))),
    h("tbody", {}, rows),
  );
}

function keyState(key) {
  if (key.revokedAt) return h("span", { class: "badge status-CRITICAL" }, t("partners.revoked"));
  if (key.stale) return h("span", { class: "badge status-WARN" }, t("partners.stale"));
  return h("span", { class: "badge status-OK" }, t("partners.active"));
}

export async function partnersView() {
  const data = await gql(PARTNERS);
  const keys = data.apiKeys.map((k) =>
    h(
      "tr",
      { "data-key-id": k.id },
      h("td", {}, k.name),
      h("td", {}, h("code", {}, `${k.prefix}…`)),
      h("td", {}, k.scopes.join(" ")),
      h("td", {}, dateTime(k.createdAt)),
      h("td", {}, dateTime(k.lastUsedAt)),
      h("td", {}, dateTime(k.expiresAt)),
      h("td", {}, keyState(k)),
    ),
  );
  const deliveries = data.webhookDeliveries.map((d) =>
    h(
      "tr",
      { class: d.lastError ? "alert" : null },
      h("td", {}, h("code", {}, d.eventId)),
      h("td", {}, d.topic),
      h("td", {}, d.status),
      h("td", {}, String(d.attempts)),
      h("td", {}, dateTime(d.createdAt)),
      h("td", {}, dateTime(d.deliveredAt)),
      h("td", {}, d.lastError || ""),
    ),
  );
  return h(
    "div",
    {},
    h("h1", {}, t("partners.title")),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("partners.keys"), h("span", { class: "muted" }, ` (${keys.length})`)),
      keys.length
        ? table(["partners.col.name", "partners.col.prefix", "partners.col.scopes", "partners.col.created", "partners.col.used", "partners.col.expires", "partners.col.state"], keys)
        : h("p", { class: "empty" }, t("partners.noKeys")),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("partners.webhooks"), h("span", { class: "muted" }, ` (${deliveries.length})`)),
      deliveries.length
        ? table(["partners.col.event", "partners.col.topic", "partners.col.status", "partners.col.attempts", "partners.col.created", "partners.col.delivered", "partners.col.error"], deliveries)
        : h("p", { class: "empty" }, t("partners.noDeliveries")),
    ),
  );
}
