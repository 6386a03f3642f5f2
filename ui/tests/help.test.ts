import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import HelpArea from "../src/areas/HelpArea.vue";
import { AREAS, NAV_TESTIDS, mayOpen } from "../src/areas";
import { guideLanguage, renderGuide } from "../src/help";
import { showLanguage } from "../src/i18n";
import { byTestId, flushPromises, mountApp } from "./helpers";


describe("Ayuda", () => {
  afterEach(() => showLanguage("es"));

  it("is in Mi cuenta after Acerca de, for every role, with its nav test id", () => {
    const help = AREAS.find((area) => area.id === "help");
    expect(help).toMatchObject({ group: "account", icon: "pi pi-question-circle", comingSoon: false });
    const account = AREAS.filter((area) => area.group === "account").map((area) => area.id);
    expect(account.indexOf("help")).toBe(account.indexOf("about") + 1);
    expect(mayOpen("help", "caseworker")).toBe(true);
    expect(mayOpen("help", "coordinator")).toBe(true);
    expect(mayOpen("help", "admin")).toBe(true);
    expect(NAV_TESTIDS.help).toBe("nav-help");
    expect(new Set(AREAS.map((area) => NAV_TESTIDS[area.id])).size).toBe(AREAS.length);
  });

  it("shows the Spanish guide in Spanish, in a card, without the language note", async () => {
    const wrapper = mountApp(HelpArea);
    await flushPromises();
    expect(wrapper.find("h1").text()).toBe("Ayuda");
    const card = wrapper.find(byTestId("help-card"));
    expect(card.classes()).toContain("card");
    const guide = card.find(byTestId("help-guide"));
    expect(guide.find("h2").text()).toBe("Guía de Acompaña");
    // The area's title is the page's only h1.
    expect(wrapper.findAll("h1")).toHaveLength(1);
    expect(guide.findAll("li").length).toBeGreaterThan(0);
    expect(wrapper.find(byTestId("help-language-note")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows the Portuguese guide in Portuguese", async () => {
    const wrapper = mountApp(HelpArea);
    showLanguage("pt-BR");
    await flushPromises();
    expect(wrapper.find("h1").text()).toBe("Ajuda");
    expect(wrapper.find(byTestId("help-guide")).find("h2").text()).toBe("Guia do Acompaña");
    expect(wrapper.find(byTestId("help-language-note")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows the Spanish guide in English, with a note above it", async () => {
    const wrapper = mountApp(HelpArea);
    showLanguage("en");
    await flushPromises();
    expect(wrapper.find("h1").text()).toBe("Help");
    const note = wrapper.find(byTestId("help-language-note"));
    expect(note.text()).toBe("This guide is in Spanish.");
    expect(wrapper.find(byTestId("help-guide")).find("h2").text()).toBe("Guía de Acompaña");
    wrapper.unmount();
  });

  it("picks Portuguese only for pt-BR", () => {
    expect(guideLanguage("pt-BR")).toBe("pt");
    expect(guideLanguage("es")).toBe("es");
    expect(guideLanguage("en")).toBe("es");
  });

  it("keeps HTML in the guide escaped", () => {
    const html = renderGuide('Texto <script>alert("x")</script> y <img src="x" onerror="alert(1)">');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;");
    const host = document.createElement("div");
    host.innerHTML = html;
    expect(host.querySelector("script, img")).toBeNull();
  });

  it("gives links and images no address", () => {
    const html = renderGuide(
      "Ver [la página](https://example.org/x), <https://example.org/y> y ![foto](https://example.org/z.png).",
    );
    const host = document.createElement("div");
    host.innerHTML = html;
    // The image stays a link-like text ("!foto"), never drawn.
    expect(host.querySelectorAll("a")).toHaveLength(3);
    expect(host.querySelector("[href]")).toBeNull();
    expect(host.querySelector("img, [src]")).toBeNull();
    expect(host.textContent).toContain("la página");
    expect(host.textContent).toContain("foto");
  });
});
