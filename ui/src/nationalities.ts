// A woman's nationality is an ISO 3166-1 alpha-2 code from the list the core checks against
// (catalog/nationalities.json, the same file), shown by its name in the interface's language.
import { collation, displayNames } from "./intl";
import list from "../../catalog/nationalities.json";

export const NATIONALITY_CODES: readonly string[] = list.codes;

/** The country's name in `locale`; a value that is not a code (written before the list) as it is. */
export function nationalityName(value: string | null | undefined, locale: string): string | null {
  if (!value) return null;
  if (!NATIONALITY_CODES.includes(value)) return value;
  try {
    return displayNames(locale, { type: "region" }).of(value) ?? value;
  } catch {
    return value;
  }
}

/** Every code with its name in `locale`, in that language's alphabetical order. */
export function nationalityOptions(locale: string): { code: string; name: string }[] {
  const order = collation(locale);
  return NATIONALITY_CODES.map((code) => ({ code, name: nationalityName(code, locale) ?? code })).sort((a, b) =>
    order.compare(a.name, b.name),
  );
}
