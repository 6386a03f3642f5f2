// The text size, for staff with low vision: 100% to 200% of the normal size, chosen beside the
// language (on every screen, the sign-in screen included) or with Ctrl+= and Ctrl+- (Ctrl+0 goes
// back to normal). The whole interface is sized in rem, so scaling the root font scales it all;
// from 150% up the layout gives the text more room (a narrower sidebar; see app.css,
// `html.text-large`). Remembered on the laptop by the core with the language
// (preferences.json), never in the webview's storage.

import { ref } from "vue";

export const TEXT_SIZES = [100, 125, 150, 175, 200] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

export function isTextSize(value: unknown): value is TextSize {
  return typeof value === "number" && (TEXT_SIZES as readonly number[]).includes(value);
}

/** The size on screen now. */
export const textSize = ref<TextSize>(100);

/** Shows the interface at `size` (percent of the normal 16px text). */
export function showTextSize(size: TextSize): void {
  textSize.value = size;
  const root = document.documentElement;
  root.style.fontSize = size === 100 ? "" : `${(16 * size) / 100}px`;
  root.classList.toggle("text-large", size >= 150);
}

/** The next size up (+1) or down (-1), staying within the list. */
export function stepTextSize(current: TextSize, direction: 1 | -1): TextSize {
  const index = TEXT_SIZES.indexOf(current) + direction;
  return TEXT_SIZES[Math.min(TEXT_SIZES.length - 1, Math.max(0, index))];
}

/**
 * What a key press asks of the text size: Ctrl (or ⌘) with "+"/"=" bigger, "-" smaller, "0"
 * normal; null for any other key.
 */
export function textSizeForKey(event: Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "altKey" | "key">, current: TextSize): TextSize | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  if (event.key === "+" || event.key === "=") return stepTextSize(current, 1);
  if (event.key === "-") return stepTextSize(current, -1);
  if (event.key === "0") return 100;
  return null;
}
