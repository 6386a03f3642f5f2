import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import AboutArea from "../src/areas/AboutArea.vue";
import type { About } from "../src/api";
import { AREAS, NAV_TESTIDS, mayOpen } from "../src/areas";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const DATA_DIR = "/home/marta/.local/share/org.acompana.app/una-carpeta-con-un-nombre-muy-largo-sin-espacios";
const ABOUT: About = {
  version: "0.4.2",
  licence: "AGPL-3.0-or-later",
  dataDir: DATA_DIR,
  schemaVersion: 12,
  schemaLatest: 12,
  keyslotFormat: 2,
  syncFormat: 3,
  backupFormat: 1,
  summaryFormat: 4,
};

/** The core answers `about` with this (or refuses with this error). */
function fakeAbout(answer: About | { error: string }) {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command !== "about") throw commandError("internal");
    if ("error" in answer) throw commandError(answer.error);
    return answer;
  });
}

describe("Acerca de", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });

  it("is in Mi cuenta for every role, with its nav test id", () => {
    const about = AREAS.find((area) => area.id === "about");
    expect(about).toMatchObject({ group: "account", icon: "pi pi-info-circle", comingSoon: false });
    expect(mayOpen("about", "caseworker")).toBe(true);
    expect(mayOpen("about", "coordinator")).toBe(true);
    expect(mayOpen("about", "admin")).toBe(true);
    expect(NAV_TESTIDS.about).toBe("nav-about");
    // Every area has its own nav test id.
    expect(new Set(AREAS.map((area) => NAV_TESTIDS[area.id])).size).toBe(AREAS.length);
  });

  it("shows the version, the licence, the data folder and the formats the core reports", async () => {
    fakeAbout(ABOUT);
    const wrapper = mountApp(AboutArea);
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("about");
    const card = wrapper.find(byTestId("about-card"));
    expect(card.element.tagName).toBe("SECTION");
    expect(wrapper.find("h1").text()).toBe("Acerca de Acompaña");
    expect(wrapper.text()).toContain("mujeres que salen de prisión");

    expect(card.find("dl").exists()).toBe(true);
    expect(wrapper.find(byTestId("about-version")).text()).toBe("0.4.2");
    const licence = wrapper.find(byTestId("about-licence"));
    expect(wrapper.find(byTestId("about-licence-id")).text()).toBe("AGPL-3.0-or-later");
    expect(licence.text()).toContain("Software libre: puedes usarlo, estudiarlo y compartirlo");
    expect(licence.text()).toContain("compartes también tus cambios");

    const path = wrapper.find(byTestId("about-data-dir-path"));
    expect(path.element.tagName).toBe("CODE");
    expect(path.text()).toBe(DATA_DIR);
    expect(wrapper.find(byTestId("about-data-dir")).text()).toContain("Todo lo que hay en esta carpeta está cifrado.");
    expect(wrapper.find(byTestId("about-data-dir")).text()).toContain("no copies la carpeta");

    expect(wrapper.find(byTestId("about-schema")).text()).toBe("versión 12");
    expect(wrapper.find(byTestId("about-formats")).text()).toBe(
      "claves 2, sincronización 3, copias de seguridad 1, resúmenes compartidos 4",
    );
    // Each value sits under its label.
    const labels = card.findAll("dt").map((term) => term.text());
    expect(labels).toEqual(["Versión", "Licencia", "Dónde están los datos", "Formato de la base de datos", "Formatos de archivos"]);
    expect(wrapper.find(byTestId("about-error")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("says which database format this version writes when the vault's own is unknown (locked)", async () => {
    fakeAbout({ ...ABOUT, schemaVersion: null, schemaLatest: 13, keyslotFormat: null });
    const wrapper = mountApp(AboutArea);
    await flushPromises();
    expect(wrapper.find(byTestId("about-schema")).text()).toBe("esta versión escribe la 13");
    expect(wrapper.find(byTestId("about-formats")).text()).toBe(
      "claves —, sincronización 3, copias de seguridad 1, resúmenes compartidos 4",
    );
    wrapper.unmount();
  });

  it("shows a problem reading it inline, and reads it again on Intentar de nuevo", async () => {
    fakeAbout({ error: "io" });
    const wrapper = mountApp(AboutArea);
    await flushPromises();
    const alert = wrapper.find(byTestId("about-error"));
    expect(alert.exists()).toBe(true);
    expect(alert.attributes("role")).toBe("alert");
    expect(alert.text()).toContain("No se pudo leer o guardar en el disco.");
    expect(alert.text()).toContain("Intentar de nuevo");
    expect(wrapper.find(byTestId("about-version")).exists()).toBe(false);

    fakeAbout(ABOUT);
    await wrapper.find(byTestId("about-retry")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledTimes(2);
    expect(wrapper.find(byTestId("about-error")).exists()).toBe(false);
    expect(wrapper.find(byTestId("about-version")).text()).toBe("0.4.2");
    wrapper.unmount();
  });
});
