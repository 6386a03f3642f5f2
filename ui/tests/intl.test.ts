import { describe, expect, it, vi } from "vitest";
import { collation, dateTimeFormat, displayNames, keptFormatters, listFormat, numberFormat } from "../src/intl";
import { formatDate, formatNumber } from "../src/format";
import { nationalityOptions } from "../src/nationalities";

describe("Intl formatters are made once per locale and options", () => {
  it("gives back the same formatter for the same locale and options, another for others", () => {
    expect(dateTimeFormat("es-CO", { dateStyle: "medium" })).toBe(dateTimeFormat("es-CO", { dateStyle: "medium" }));
    expect(dateTimeFormat("es-CO", { dateStyle: "long" })).not.toBe(dateTimeFormat("es-CO", { dateStyle: "medium" }));
    expect(dateTimeFormat("pt-BR", { dateStyle: "medium" })).not.toBe(dateTimeFormat("es-CO", { dateStyle: "medium" }));
    expect(numberFormat("es-CO")).toBe(numberFormat("es-CO"));
    expect(collation("es")).toBe(collation("es"));
    expect(listFormat("es", { type: "conjunction" })).toBe(listFormat("es", { type: "conjunction" }));
    expect(displayNames("es", { type: "region" })).toBe(displayNames("es", { type: "region" }));
    // Kinds do not share a place: a collator is never handed out as a number format.
    expect(collation("en")).toBeInstanceOf(Intl.Collator);
    expect(numberFormat("en")).toBeInstanceOf(Intl.NumberFormat);
  });

  it("formats as a fresh formatter would", () => {
    /* eslint-disable no-restricted-syntax -- the formatters kept are compared with fresh ones */
    const date = new Date(2026, 10, 30);
    expect(formatDate(date, "es-CO")).toBe(new Intl.DateTimeFormat("es-CO", { dateStyle: "medium" }).format(date));
    expect(formatNumber(1234567, "es-CO")).toBe(new Intl.NumberFormat("es-CO").format(1234567));
    /* eslint-enable no-restricted-syntax */
  });

  it("a list of dates, or every nationality sorted, makes no new formatter after the first", () => {
    const spy = vi.spyOn(Intl, "DateTimeFormat");
    for (let day = 1; day <= 28; day++) formatDate(new Date(2026, 1, day), "es-MX");
    expect(spy).toHaveBeenCalledTimes(1);
    nationalityOptions("pt-BR");
    const before = keptFormatters();
    const names = vi.spyOn(Intl, "DisplayNames");
    const order = vi.spyOn(Intl, "Collator");
    const options = nationalityOptions("pt-BR");
    expect(names).not.toHaveBeenCalled();
    expect(order).not.toHaveBeenCalled();
    expect(keptFormatters()).toBe(before);
    expect(options.length).toBeGreaterThan(200);
  });
});
