import { createI18n } from "vue-i18n";
import es from "./locales/es.json";
import ptBR from "./locales/pt-BR.json";
import en from "./locales/en.json";

export const LANGUAGES = ["es", "pt-BR", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so anyone can find her own in the list. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  es: "Español",
  "pt-BR": "Português",
  en: "English",
};

// Only the language code is kept on the laptop; nothing about the person or the vault.
const STORAGE_KEY = "acompana.language";

export type MessageSchema = typeof es;

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage may be unavailable; Spanish is the default.
  }
  return "es";
}

export const i18n = createI18n<[MessageSchema], Language, false>({
  legacy: false,
  locale: storedLanguage(),
  fallbackLocale: "es",
  messages: { es, "pt-BR": ptBR, en },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
});

export function currentLanguage(): Language {
  return i18n.global.locale.value;
}

export function setLanguage(language: Language): void {
  i18n.global.locale.value = language;
  document.documentElement.lang = language;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // Not being able to remember the choice is harmless.
  }
}

export function applyDocumentLanguage(): void {
  document.documentElement.lang = currentLanguage();
}
