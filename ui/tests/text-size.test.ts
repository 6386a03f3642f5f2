import { afterEach, describe, expect, it } from "vitest";
import { TEXT_SIZES, isTextSize, showTextSize, stepTextSize, textSize, textSizeForKey } from "../src/textSize";

const key = (k: string, mods: Partial<Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "altKey">> = { ctrlKey: true }) => ({
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
  key: k,
});

describe("text size", () => {
  afterEach(() => showTextSize(100));

  it("offers 100% to 200% and nothing else", () => {
    expect(TEXT_SIZES[0]).toBe(100);
    expect(TEXT_SIZES[TEXT_SIZES.length - 1]).toBe(200);
    expect(isTextSize(150)).toBe(true);
    for (const odd of [0, 99, 120, 300, "150", null]) expect(isTextSize(odd)).toBe(false);
  });

  it("steps up and down within the list", () => {
    expect(stepTextSize(100, 1)).toBe(125);
    expect(stepTextSize(200, 1)).toBe(200);
    expect(stepTextSize(100, -1)).toBe(100);
    expect(stepTextSize(175, -1)).toBe(150);
  });

  it("answers Ctrl+=, Ctrl++, Ctrl+- and Ctrl+0, and no other key", () => {
    expect(textSizeForKey(key("="), 100)).toBe(125);
    expect(textSizeForKey(key("+"), 125)).toBe(150);
    expect(textSizeForKey(key("-"), 150)).toBe(125);
    expect(textSizeForKey(key("0"), 200)).toBe(100);
    expect(textSizeForKey(key("=", { metaKey: true }), 100)).toBe(125);
    expect(textSizeForKey(key("="), 100)).not.toBeNull();
    expect(textSizeForKey(key("=", {}), 100)).toBeNull();
    expect(textSizeForKey(key("=", { ctrlKey: true, altKey: true }), 100)).toBeNull();
    expect(textSizeForKey(key("l"), 100)).toBeNull();
  });

  it("scales the root font and gives large text more room", () => {
    showTextSize(200);
    expect(textSize.value).toBe(200);
    expect(document.documentElement.style.fontSize).toBe("32px");
    expect(document.documentElement.classList.contains("text-large")).toBe(true);
    showTextSize(125);
    expect(document.documentElement.style.fontSize).toBe("20px");
    expect(document.documentElement.classList.contains("text-large")).toBe(false);
    showTextSize(100);
    expect(document.documentElement.style.fontSize).toBe("");
  });
});
