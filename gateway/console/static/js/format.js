// Numbers, money, dates and durations in the current language.
import { locale, t } from "./i18n.js";

function number(value, digits = 1) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

// Ratios that are multiples (LTV / CAC = 3.5), not shares of a whole: shown as "3.5×", not "350%".
const MULTIPLES = new Set(["ltvToCac"]);

/** An indicator's value in its unit: ratios as percentages, cents as money, the rest as numbers with the unit. */
export function indicatorValue(value, unit, key) {
  if (value === null || value === undefined) return "—";
  if (unit === "ratio" && MULTIPLES.has(key)) return `${number(value, 2)}×`;
  if (unit === "ratio") return `${number(value * 100)}%`;
  if (unit === "cents") return money(value);
  if (unit === "points") return number(value);
  return `${number(value)} ${t(`unit.${unit}`)}`;
}

/** An axis tick of an indicator's plot: the bare number (the unit stands in the axis label). */
export function indicatorTick(value, unit, key) {
  if (value === null || value === undefined) return "";
  if (unit === "ratio" && !MULTIPLES.has(key)) return `${number(value * 100)}%`;
  if (unit === "cents") return number(value / 100, 2);
  return number(value, 2);
}

/** A change of an indicator's value (trend), signed. */
export function indicatorChange(value, unit, key) {
  if (value === null || value === undefined) return "—";
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  const size = Math.abs(value);
  if (unit === "ratio" && MULTIPLES.has(key)) return `${sign}${number(size, 2)}`;
  if (unit === "ratio") return `${sign}${number(size * 100)} ${t("unit.pp")}`;
  if (unit === "cents") return `${sign}${money(size)}`;
  return `${sign}${number(size)}`;
}

export function money(cents, currency = "CNY") {
  if (cents === null || cents === undefined) return "—";
  return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(cents / 100);
}

export function percent(share, digits = 1) {
  if (share === null || share === undefined) return "—";
  return `${number(share * 100, digits)}%`;
}

export function count(value) {
  return new Intl.NumberFormat(locale()).format(value);
}

export function dateTime(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function date(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(iso));
}

/** "2 h 05 min" for a span of milliseconds (its absolute value). */
export function duration(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const seconds = Math.floor((Math.abs(ms) % 60000) / 1000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return t("time.dh", { d: days, h: hours });
  if (hours) return t("time.hm", { h: hours, m: String(mins).padStart(2, "0") });
  return t("time.ms", { m: mins, s: String(seconds).padStart(2, "0") });
}
