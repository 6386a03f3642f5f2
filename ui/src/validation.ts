import { watch } from "vue";

// Form checks that mirror the core's rules so people hear about a mistake before waiting for
// the (deliberately slow) password hashing. The core stays the authority: it answers
// `invalid_input` / `weak_password` with a `field`, and the forms show that too.

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,32}$/;
export const MIN_PASSWORD_LENGTH = 10;
export const IDLE_LOCK_MIN = 1;
export const IDLE_LOCK_MAX = 120;
export const IDLE_LOCK_DEFAULT = 5;

/** Usernames are lower case; people often type a capital first letter or a stray space. */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Each check answers an i18n key for the problem, or null when the value is fine. */
export function checkRequired(value: string): string | null {
  return value.trim() === "" ? "validation.required" : null;
}

export function checkUsername(raw: string): string | null {
  const value = normalizeUsername(raw);
  if (value === "") return "validation.required";
  return USERNAME_PATTERN.test(value) ? null : "validation.username_format";
}

export function checkNewPassword(value: string): string | null {
  if (value === "") return "validation.required";
  return [...value].length >= MIN_PASSWORD_LENGTH ? null : "validation.password_short";
}

export function checkConfirmation(password: string, confirmation: string): string | null {
  if (confirmation === "") return "validation.required";
  return password === confirmation ? null : "validation.password_mismatch";
}

export function checkIdleMinutes(value: number | null): string | null {
  if (value === null || !Number.isInteger(value)) return "validation.idle_range";
  return value >= IDLE_LOCK_MIN && value <= IDLE_LOCK_MAX ? null : "validation.idle_range";
}

/** Field name → i18n key of its problem. */
export type FieldErrors = Record<string, string | null>;

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((problem) => problem !== null);
}

/**
 * Clears a field's problem as soon as the person edits it (and the confirmation's problem when
 * the password it must match changes), so old messages never linger over corrected values.
 * Call from a component's setup.
 */
export function clearErrorsOnEdit(form: Record<string, unknown>, errors: FieldErrors): void {
  for (const key of Object.keys(errors)) {
    if (!(key in form)) continue;
    watch(
      () => form[key],
      () => {
        errors[key] = null;
        if (key === "password" && "confirmation" in errors) errors.confirmation = null;
      },
    );
  }
}
