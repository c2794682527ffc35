// The console's shell: sign-in, the navigation, the language switch and a hash router over the screens.
import { ApiError, gql, setToken, token, whenSignedOut } from "./api.js";
import { h, replace } from "./dom.js";
import { init, LANGUAGES, language, setLanguage, t } from "./i18n.js";
import { contentView } from "./views/content.js";
import { experimentsView } from "./views/experiments.js";
import { healthView } from "./views/health.js";
import { incidentsView } from "./views/incidents.js";
import { indicatorView } from "./views/indicator.js";
import { membersView } from "./views/members.js";
import { partnersView } from "./views/partners.js";
import { revenueView } from "./views/revenue.js";

const ROOT = document.getElementById("app");
const SCREENS = [
  { path: "health", label: "nav.health", view: healthView },
  { path: "content", label: "nav.content", view: contentView },
  { path: "members", label: "nav.members", view: membersView },
  { path: "incidents", label: "nav.incidents", view: incidentsView },
  { path: "revenue", label: "nav.revenue", view: revenueView },
  { path: "experiments", label: "nav.experiments", view: experimentsView },
  { path: "partners", label: "nav.partners", view: partnersView },
];
const ME = "{ me { handle displayName roles community { id slug name } } }";
const LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token } }";

let me = null;
// Undone by the next screen: timers and the like a screen leaves running.
let cleanups = [];

function errorBox(error) {
  const code = error instanceof ApiError ? error.code : "INTERNAL";
  return h("p", { class: "error", role: "alert", "data-code": code }, t(`error.${code}`), " ", h("small", {}, error.message));
}

function languageSwitch() {
  return h(
    "div",
    { class: "lang-switch", role: "group", "aria-label": t("app.language") },
    LANGUAGES.map((lang) =>
      h(
        "button",
        {
          type: "button",
          lang,
          "aria-pressed": String(lang === language()),
          "data-lang": lang,
          onclick: async () => {
            await setLanguage(lang);
            render();
          },
        },
        t(`lang.${lang}`),
      ),
    ),
  );
}

function signInForm(message) {
  const status = h("div", { class: "form-status" }, message ? errorBox(message) : null);
  const field = (name, label, type = "text", value = "") =>
    h("label", {}, h("span", {}, t(label)), h("input", { name, type, value, required: true, autocomplete: name }));
  const form = h(
    "form",
    { class: "sign-in", "aria-label": t("signin.title") },
    h("h1", {}, t("app.title")),
    h("p", { class: "muted" }, t("signin.lead")),
    field("community", "signin.community", "text", localStorage.getItem("console.community") || ""),
    field("username", "signin.handle"),
    field("current-password", "signin.password", "password"),
    h("button", { type: "submit" }, t("signin.submit")),
    status,
    languageSwitch(),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = new FormData(form);
    const input = {
      communitySlug: String(values.get("community")).trim(),
      handle: String(values.get("username")).trim(),
      password: String(values.get("current-password")),
    };
    replace(status, h("p", { class: "muted" }, t("signin.working")));
    try {
      const data = await gql(LOGIN, { input });
      setToken(data.login.token);
      localStorage.setItem("console.community", input.communitySlug);
      await start();
    } catch (error) {
      setToken(null);
      replace(status, errorBox(error));
    }
  });
  return h("main", { class: "centered" }, form);
}

async function loadMe() {
  const data = await gql(ME);
  if (!data.me) throw new ApiError(t("error.UNAUTHENTICATED"), "UNAUTHENTICATED");
  if (!data.me.roles.includes("OPERATOR")) throw new ApiError(t("signin.notOperator"), "FORBIDDEN");
  return data.me;
}

async function start() {
  try {
    me = await loadMe();
  } catch (error) {
    setToken(null);
    me = null;
    replace(ROOT, signInForm(error));
    return;
  }
  if (!location.hash) location.hash = "#/health";
  render();
}

function signOut() {
  setToken(null);
  me = null;
  replace(ROOT, signInForm());
}

function route() {
  const [path, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  if (path === "health" && rest.length) return { screen: "health", view: indicatorView, args: rest.map(decodeURIComponent) };
  const screen = SCREENS.find((s) => s.path === path) || SCREENS[0];
  return { screen: screen.path, view: screen.view, args: [] };
}

function render() {
  for (const undo of cleanups) undo();
  cleanups = [];
  if (!me) {
    replace(ROOT, signInForm());
    return;
  }
  const current = route();
  const main = h("main", { class: "screen", "aria-busy": "true" });
  const nav = h(
    "nav",
    { "aria-label": t("nav.label") },
    SCREENS.map((s) =>
      h(
        "a",
        { href: `#/${s.path}`, "aria-current": s.path === current.screen ? "page" : null, "data-screen": s.path },
        t(s.label),
      ),
    ),
  );
  const header = h(
    "header",
    {},
    h("div", { class: "brand" }, h("strong", {}, t("app.title")), h("span", { class: "community" }, me.community.name)),
    h(
      "div",
      { class: "who" },
      languageSwitch(),
      h("span", { class: "muted" }, `@${me.handle}`),
      h("button", { type: "button", class: "link", onclick: signOut }, t("app.signOut")),
    ),
  );
  replace(ROOT, header, h("div", { class: "layout" }, nav, main));
  const context = { me, onCleanup: (f) => cleanups.push(f) };
  current
    .view(context, ...current.args)
    .then((content) => replace(main, content))
    .catch((error) => replace(main, errorBox(error)))
    .finally(() => main.setAttribute("aria-busy", "false"));
}

window.addEventListener("hashchange", render);
whenSignedOut(() => {
  me = null;
  render();
});

init()
  .then(() => (token() ? start() : replace(ROOT, signInForm())))
  .catch((error) => replace(ROOT, h("p", { class: "error" }, String(error))));
