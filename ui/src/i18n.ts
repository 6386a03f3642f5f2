import { createI18n } from "vue-i18n";
import es from "./locales/es.json";
import ptBR from "./locales/pt-BR.json";
import en from "./locales/en.json";
import { commands } from "./bindings";
import { isTextSize, showTextSize, textSize } from "./textSize";
import type { TextSize } from "./textSize";

export const LANGUAGES = ["es", "pt-BR", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so anyone can find her own in the list. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  es: "Español",
  "pt-BR": "Português",
  en: "English",
};

// Only the language code and the text size are kept on the laptop, by the core beside the
// vault; nothing is put in the webview's own storage.

export type MessageSchema = typeof es;

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}


export const i18n = createI18n<[MessageSchema], Language, false>({
  legacy: false,
  locale: "es",
  fallbackLocale: "es",
  messages: { es, "pt-BR": ptBR, en },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
});

export function currentLanguage(): Language {
  return i18n.global.locale.value;
}

/** Switches the language on screen only (tests and startup). */
export function showLanguage(language: Language): void {
  i18n.global.locale.value = language;
  document.documentElement.lang = language;
}

function remember(): void {
  // Not being able to remember the choice is harmless: the switch already happened.
  commands.preferencesSet({ language: currentLanguage(), textSize: textSize.value }).catch(() => undefined);
}

/** Switches the interface's language and asks the core to remember it. */
export function setLanguage(language: Language): void {
  showLanguage(language);
  remember();
}

/** Switches the text size and asks the core to remember it (with the language). */
export function setTextSize(size: TextSize): void {
  showTextSize(size);
  remember();
}

/** Shows the language and text size remembered on this laptop (Spanish, 100%, when none). */
export async function loadLanguage(): Promise<void> {
  try {
    const result = await commands.preferencesGet();
    if (result.status !== "ok") return;
    if (isLanguage(result.data.language)) showLanguage(result.data.language);
    if (isTextSize(result.data.textSize)) showTextSize(result.data.textSize);
  } catch {
    // Spanish at 100% stays.
  }
}

export function applyDocumentLanguage(): void {
  document.documentElement.lang = currentLanguage();
}
