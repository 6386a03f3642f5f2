// Intl's formatters, made once per locale and options and kept. Making one is costly: the
// webview loads its locale's data from ICU for each, in JavaScriptCore's interpreter (the app
// runs without the JIT). Made afresh, every date in a list made one, every date picker 45, and
// sorting the nationalities about two thousand collators (`localeCompare` with a locale makes
// one per comparison). Nothing else in the interface writes `new Intl.…` or passes a locale to
// `localeCompare` (eslint.config.js refuses both).

const made = new Map<string, unknown>();

function kept<T>(kind: string, locale: string, options: object | undefined, make: () => T): T {
  const key = `${kind}\u0000${locale}\u0000${JSON.stringify(options ?? {})}`;
  let formatter = made.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = make();
    made.set(key, formatter);
  }
  return formatter;
}

export function dateTimeFormat(locale: string, options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  // eslint-disable-next-line no-restricted-syntax -- the one place formatters are made
  return kept("date", locale, options, () => new Intl.DateTimeFormat(locale, options));
}

export function numberFormat(locale: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  // eslint-disable-next-line no-restricted-syntax -- the one place formatters are made
  return kept("number", locale, options, () => new Intl.NumberFormat(locale, options));
}

export function collation(locale: string, options?: Intl.CollatorOptions): Intl.Collator {
  // eslint-disable-next-line no-restricted-syntax -- the one place formatters are made
  return kept("collator", locale, options, () => new Intl.Collator(locale, options));
}

export function listFormat(locale: string, options?: Intl.ListFormatOptions): Intl.ListFormat {
  // eslint-disable-next-line no-restricted-syntax -- the one place formatters are made
  return kept("list", locale, options, () => new Intl.ListFormat(locale, options));
}

/** Throws as `Intl.DisplayNames` does for a locale it cannot use (and keeps nothing then). */
export function displayNames(locale: string, options: Intl.DisplayNamesOptions): Intl.DisplayNames {
  // eslint-disable-next-line no-restricted-syntax -- the one place formatters are made
  return kept("names", locale, options, () => new Intl.DisplayNames([locale], options));
}

/** How many formatters are kept (for tests). */
export function keptFormatters(): number {
  return made.size;
}
