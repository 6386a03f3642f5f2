import { describe, expect, it } from "vitest";
import { NATIONALITY_CODES, nationalityName, nationalityOptions } from "../src/nationalities";

describe("nationalities", () => {
  it("are the ISO codes the core checks, named in the interface's language", () => {
    expect(NATIONALITY_CODES).toContain("CO");
    expect(NATIONALITY_CODES).toContain("VE");
    expect(NATIONALITY_CODES).not.toContain("EU");
    expect(nationalityName("VE", "es")).toBe("Venezuela");
    expect(nationalityName("BR", "pt-BR")).toBe("Brasil");
    expect(nationalityName("DE", "en")).toBe("Germany");
  });

  it("keep a value written before the list as it is, and nothing as nothing", () => {
    expect(nationalityName("Venezolana", "es")).toBe("Venezolana");
    expect(nationalityName(null, "es")).toBeNull();
  });

  it("list every code once, in the language's alphabetical order", () => {
    const options = nationalityOptions("es");
    expect(options).toHaveLength(NATIONALITY_CODES.length);
    const names = options.map((o) => o.name);
    // Checked against the language's own comparison, not the kept collator the list uses.
    // eslint-disable-next-line no-restricted-syntax
    expect([...names].sort((a, b) => a.localeCompare(b, "es"))).toEqual(names);
  });
});
