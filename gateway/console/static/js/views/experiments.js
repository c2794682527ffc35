// Experiment results. The public API has no experiment read yet: the screen says so rather than guess.
import { h } from "../dom.js";
import { t } from "../i18n.js";

export async function experimentsView() {
  return h("div", {}, h("h1", {}, t("experiments.title")), h("p", { class: "empty" }, t("experiments.none")));
}
