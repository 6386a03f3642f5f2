// Dates and numbers always go through Intl in the language the person chose; for Spanish the
// organization's country picks the regional variant (es-CO, es-MX, …).

import { dateTimeFormat, numberFormat } from "./intl";
import { computed } from "vue";
import { useI18n } from "vue-i18n";
import type { Country } from "./api";
import { sessionState } from "./session";

const SPANISH_COUNTRIES: readonly Country[] = ["CO", "MX", "AR", "CR"];

export function intlLocale(language: string, country: Country | null | undefined): string {
  if (language === "es" && country && SPANISH_COUNTRIES.includes(country)) {
    return `es-${country}`;
  }
  return language;
}

function parse(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(value: string | Date, locale: string): string {
  const date = parse(value);
  if (!date) return String(value);
  return dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatDate(value: string | Date, locale: string): string {
  const date = parse(value);
  if (!date) return String(value);
  return dateTimeFormat(locale, { dateStyle: "medium" }).format(date);
}

/** A date and time said before a sentence's period: without a period of its own (Spanish
 *  ends times with "p. m."), so the sentence does not end in "p. m..". */
export function formatDateTimeInSentence(value: string | Date, locale: string): string {
  return formatDateTime(value, locale).replace(/\.$/, "");
}

export function formatNumber(value: number, locale: string): string {
  return numberFormat(locale).format(value);
}

/** Formatters bound to the current language and the signed-in organization's country. */
export function useFormat() {
  const { locale } = useI18n();
  const current = computed(() => intlLocale(locale.value, sessionState.session?.country));
  return {
    locale: current,
    dateTime: (value: string | Date) => formatDateTime(value, current.value),
    dateTimeInSentence: (value: string | Date) => formatDateTimeInSentence(value, current.value),
    date: (value: string | Date) => formatDate(value, current.value),
    number: (value: number) => formatNumber(value, current.value),
  };
}
