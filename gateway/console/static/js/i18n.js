// Two string catalogues (i18n/en.json, i18n/zh.json) with the same keys; the choice is kept in localStorage.

export const LANGUAGES = ["en", "zh"];
const STORE_KEY = "console.lang";
let current = "en";
let strings = {};
let fallback = {};

async function load(lang) {
  const response = await fetch(`i18n/${lang}.json`);
  if (!response.ok) throw new Error(`catalogue ${lang}: HTTP ${response.status}`);
  return response.json();
}

function preferred() {
  const kept = localStorage.getItem(STORE_KEY);
  if (LANGUAGES.includes(kept)) return kept;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export async function init() {
  fallback = await load("en");
  await setLanguage(preferred());
}

export async function setLanguage(lang) {
  strings = lang === "en" ? fallback : await load(lang);
  current = lang;
  localStorage.setItem(STORE_KEY, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t("app.title");
}

export function language() {
  return current;
}

export function locale() {
  return current === "zh" ? "zh-CN" : "en-GB";
}

/** The string for `key` in the current language, `{name}` placeholders filled from `vars`. */
export function t(key, vars) {
  const text = strings[key] ?? fallback[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m)) : text;
}

/** A server-given name (an indicator's) in the current language when the catalogue has it, else as given. */
export function named(prefix, key, given) {
  const id = `${prefix}.${key}`;
  return strings[id] ?? given ?? fallback[id] ?? key;
}
