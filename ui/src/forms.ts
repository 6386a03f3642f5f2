// Helpers shared by the file's forms: put a core error on the field it names, move the focus
// to the first problem, and the few checks the case forms make before asking the core.

import { nextTick } from "vue";
import type { AppError } from "./api";
import type { FieldErrors } from "./validation";

/**
 * Puts an `invalid_input` (or other) error on the form field it names. `aliases` maps a form
 * field to other names the core may use for it. Answers whether it found a field.
 */
export function attachFieldError(error: AppError, errors: FieldErrors, aliases: Record<string, string[]> = {}): boolean {
  if (error.field === null) return false;
  const field = Object.keys(errors).find((name) => error.isForField(name, ...(aliases[name] ?? [])));
  if (!field) return false;
  errors[field] = error.code === "invalid_input" ? "validation.invalid" : error.i18nKey;
  return true;
}

/** Focuses the element of the first field with a problem (ids in form order). */
export function focusFirstError(errors: FieldErrors, ids: Record<string, string>): void {
  const first = Object.keys(ids).find((name) => errors[name]);
  if (first) nextTick(() => document.getElementById(ids[first])?.focus());
}

/** A year of birth: empty, or four digits between 1900 and this year. */
export function checkBirthYear(raw: string, now: Date = new Date()): string | null {
  const value = raw.trim();
  if (value === "") return null;
  if (!/^\d{4}$/.test(value)) return "validation.year";
  const year = Number(value);
  return year >= 1900 && year <= now.getFullYear() ? null : "validation.year";
}

/** A whole number in a range, or empty when optional. */
export function checkWholeNumber(raw: string, min: number, max: number, required = false): string | null {
  const value = raw.trim();
  if (value === "") return required ? "validation.required" : null;
  if (!/^\d+$/.test(value)) return "validation.number";
  const number = Number(value);
  return number >= min && number <= max ? null : "validation.number_range";
}

/** A period's end is not before its start. */
export function checkDateOrder(from: string | null, until: string | null): string | null {
  if (!from || !until) return null;
  return until < from ? "validation.date_order" : null;
}

/** Empty text becomes null, the rest is trimmed. */
export function optionalText(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

export function optionalNumber(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : Number(trimmed);
}
