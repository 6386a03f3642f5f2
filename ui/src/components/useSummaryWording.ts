// Puts a protected summary into words, the same on screen and on paper: indicators, units,
// dimensions and their categories (reusing the case file's own words where they exist, the raw
// code where none does), quarters ("3.er trimestre de 2026"), counts and percentages in the
// person's language, and the footnote that says how the figures are protected. Call from a
// component's setup.

import { dateTimeFormat, numberFormat } from "../intl";
import type { Ref } from "vue";
import { useI18n } from "vue-i18n";
import type { Audience, CountryCatalog, Revision, Summary, SummaryCell } from "../api";
import { useFormat } from "../format";
import { formatLongDate } from "../legal";
import { nationalityName } from "../nationalities";
import {
  CATEGORY_LISTS,
  TOTAL,
  UNKNOWN,
  YES_NO_DIMENSIONS,
  parseQuarter,
  quarterMonths,
} from "../summaries";
import type { Quarter } from "../summaries";

export function useSummaryWording(catalog: Ref<CountryCatalog | null>) {
  const { t, te } = useI18n();
  const format = useFormat();

  const translated = (key: string, fallback: string) => (te(key) ? t(key) : fallback);

  const indicatorTitle = (id: string) => translated(`summaries.indicator.${id}`, id);
  const unitLabel = (unit: string) => translated(`summaries.unit.${unit}`, unit);
  const audienceLabel = (audience: Audience) => t(`summaries.audience.${audience}`);

  /** The country's word for its regions: Departamento, Estado, Provincia. */
  const regionLabel = () => t(`participants.region.${catalog.value?.regionLabel ?? "department"}`);

  function dimensionLabel(dimension: string): string {
    if (dimension === "department") return regionLabel();
    return translated(`summaries.dimension.${dimension}`, dimension);
  }

  // ---- Quarters ----------------------------------------------------------------------------------
  function monthName(month: number): string {
    return dateTimeFormat(format.locale.value, { month: "long" }).format(new Date(2026, month, 1));
  }

  /** "julio a septiembre". */
  function quarterMonthsText(quarter: number): string {
    const [first, last] = quarterMonths(quarter);
    return t("summaries.months", { from: monthName(first), to: monthName(last) });
  }

  /** "3.er trimestre de 2026". */
  function quarterLabel(quarter: Quarter): string {
    return t("summaries.quarterLong", { name: t(`summaries.quarterName.${quarter.quarter}`), year: String(quarter.year) });
  }

  /** "3.er trimestre (julio a septiembre)": an option of the form's quarter list. */
  function quarterOption(quarter: number): string {
    return t("summaries.quarterOption", { name: t(`summaries.quarterName.${quarter}`), months: quarterMonthsText(quarter) });
  }

  function quarterCodeLabel(code: string): string {
    const quarter = parseQuarter(code);
    return quarter ? quarterLabel(quarter) : code;
  }

  /** The summary's period: one quarter with its months, or "Del … al …". */
  function periodLabel(period: string, to: string | null): string {
    const first = parseQuarter(period);
    if (!to || to === period) {
      return first
        ? t("summaries.periodOne", { quarter: quarterLabel(first), months: quarterMonthsText(first.quarter) })
        : period;
    }
    return t("summaries.periodRange", { from: quarterCodeLabel(period), to: quarterCodeLabel(to) });
  }

  // ---- Categories --------------------------------------------------------------------------------
  function categoryLabel(dimension: string, value: string | undefined): string {
    if (value === undefined) return "";
    if (value === TOTAL) return t("summaries.total");
    if (value === UNKNOWN) return t("common.notKnown");
    if (YES_NO_DIMENSIONS.includes(dimension)) {
      if (value === "yes") return t("common.yes");
      if (value === "no") return t("common.no");
    }
    const list = CATEGORY_LISTS[dimension];
    if (list) return translated(`${list}.${value}`, value);
    switch (dimension) {
      case "nationality":
        return nationalityName(value, format.locale.value) ?? value;
      case "application_type":
        return catalog.value?.legalApplicationTypes.find((type) => type.code === value)?.name ?? value;
      case "quarter":
        return quarterCodeLabel(value);
    }
    // Department names, socio-economic groups, gender identities and ethnicities are shown as
    // they were written.
    return translated(`summaries.category.${dimension}.${value}`, value);
  }

  // ---- Figures -------------------------------------------------------------------------------------
  /** The count in the person's language, or what the core prints for a hidden one ("<5"). */
  function countText(cell: SummaryCell): string {
    return cell.count === null ? cell.display : format.number(cell.count);
  }

  /** "40,0 %" with one decimal; empty when the rule gives none. */
  function percentText(cell: SummaryCell): string {
    if (cell.percent === null) return "";
    return numberFormat(format.locale.value, {
      style: "percent",
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }).format(cell.percent / 100);
  }

  /** "Revisión 1 del 5 de noviembre de 2026: <motivo>". */
  function revisionText(revision: Revision): string {
    const date = revision.revisedOn ? formatLongDate(revision.revisedOn, format.locale.value) : "—";
    return revision.reason
      ? t("summaries.revision", { n: revision.revision, date, reason: revision.reason })
      : t("summaries.revisionNoReason", { n: revision.revision, date });
  }

  // ---- How the figures are protected -----------------------------------------------------------------
  /** The footnote's sentences, in the order said. */
  function footnote(summary: Summary): string[] {
    const k = summary.k;
    const lines = [
      t("summaries.footnote.small", { max: format.number(k - 1), k: format.number(k) }),
      t("summaries.footnote.sensitive", { region: regionLabel().toLocaleLowerCase(format.locale.value) }),
      t("summaries.footnote.percent", { k: format.number(k) }),
      t("summaries.footnote.consent"),
    ];
    if (summary.audience !== "internal") {
      lines.push(t("summaries.footnote.public"), t("summaries.footnote.noise"));
    }
    if (summary.to !== summary.period) lines.push(t("summaries.footnote.several"));
    return lines;
  }

  return {
    indicatorTitle,
    unitLabel,
    audienceLabel,
    regionLabel,
    dimensionLabel,
    quarterLabel,
    quarterOption,
    quarterCodeLabel,
    periodLabel,
    categoryLabel,
    countText,
    percentText,
    revisionText,
    footnote,
  };
}
