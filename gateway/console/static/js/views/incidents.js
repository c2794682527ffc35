// Open crisis incidents with each step's timer, ticking every second; overdue steps are highlighted.
import { gql } from "../api.js";
import { h, replace } from "../dom.js";
import { named, t } from "../i18n.js";
import { dateTime, duration } from "../format.js";

const OPEN = `{
  incidents(status: OPEN) { id level cause causes openedAt triggeredAt triggerCount
    steps { name dueAt doneAt overdue owner note } healthBreaches { key value threshold } }
  incidentMetrics { openIncidents medianFirstResponseMinutes stepsOnTimeRate }
}`;

/** A step is overdue when the API says so, or once its deadline passes while it is still undone. */
function isOverdue(step, now) {
  return step.overdue || (!step.doneAt && new Date(step.dueAt).getTime() < now);
}

function timerText(step, now) {
  const due = new Date(step.dueAt).getTime();
  if (step.doneAt) return step.overdue ? t("incidents.doneLate", { at: dateTime(step.doneAt) }) : t("incidents.done", { at: dateTime(step.doneAt) });
  return due >= now ? t("incidents.dueIn", { left: duration(due - now) }) : t("incidents.overdueBy", { late: duration(now - due) });
}

function stepRow(step) {
  const timer = h("td", { class: "timer" });
  const row = h(
    "tr",
    { class: "step", "data-step": step.name },
    h("td", {}, named("step", step.name, step.name)),
    h("td", {}, dateTime(step.dueAt)),
    timer,
    h("td", {}, step.owner || "—"),
    h("td", {}, step.note || ""),
  );
  const tick = (now) => {
    const late = isOverdue(step, now);
    row.classList.toggle("overdue", late);
    row.classList.toggle("done", Boolean(step.doneAt));
    row.dataset.overdue = String(late);
    replace(timer, timerText(step, now));
  };
  return { row, tick };
}

function incidentCard(incident, ticks) {
  // In the order their deadlines fall: an escalation's steps are due before the procedure's later ones.
  const steps = [...incident.steps].sort((a, b) => new Date(a.dueAt) - new Date(b.dueAt));
  const rows = steps.map(stepRow);
  ticks.push(...rows.map((r) => r.tick));
  const columns = ["step", "due", "timer", "owner", "note"];
  return h(
    "article",
    { class: `panel incident level-${incident.level}`, "data-incident": incident.id },
    h("h2", {}, t("incidents.heading", { level: incident.level, cause: t(`cause.${incident.cause}`) })),
    h(
      "p",
      { class: "muted" },
      t("incidents.opened", { at: dateTime(incident.openedAt), triggered: dateTime(incident.triggeredAt), n: incident.triggerCount }),
    ),
    incident.healthBreaches.length
      ? h(
          "ul",
          { class: "breaches" },
          incident.healthBreaches.map((b) =>
            h(
              "li",
              { "data-key": b.key },
              h("a", { href: `#/health/${encodeURIComponent(b.key)}` }, named("ind", b.key, b.key)),
              " ",
              t("incidents.breach", { value: b.value, threshold: b.threshold }),
            ),
          ),
        )
      : null,
    h("table", { class: "steps" }, h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, t(`incidents.col.${c}`))))), h("tbody", {}, rows.map((r) => r.row))),
  );
}

export async function incidentsView(context) {
  const data = await gql(OPEN);
  const ticks = [];
  const cards = data.incidents.map((i) => incidentCard(i, ticks));
  const tickAll = () => {
    const now = Date.now();
    for (const tick of ticks) tick(now);
  };
  tickAll();
  const timer = setInterval(tickAll, 1000);
  context.onCleanup(() => clearInterval(timer));
  const m = data.incidentMetrics;
  return h(
    "div",
    {},
    h("h1", {}, t("incidents.title"), h("span", { class: "muted" }, ` (${data.incidents.length})`)),
    h(
      "p",
      { class: "muted" },
      t("incidents.metrics", {
        median: m.medianFirstResponseMinutes === null ? "—" : m.medianFirstResponseMinutes.toFixed(0),
        onTime: m.stepsOnTimeRate === null ? "—" : `${(m.stepsOnTimeRate * 100).toFixed(0)}%`,
      }),
    ),
    cards.length ? cards : h("p", { class: "empty" }, t("incidents.none")),
  );
}
