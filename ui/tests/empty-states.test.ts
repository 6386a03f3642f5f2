import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ContactsTab from "../src/components/casefile/ContactsTab.vue";
import ParticipantsArea from "../src/areas/ParticipantsArea.vue";
import { byTestId, flushPromises, mountApp, rosita } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = { staffId: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5, demo: false };

describe("empty screens say what to do next", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "participant_list") return { items: [], total: 0, capped: false };
      if (command === "catalog_get") return { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };
      if (command === "staff_list") return [];
      throw { code: "internal", message: `unexpected ${command}`, field: null };
    });
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("Participantes with no women yet: how to open the first file, and the blank form for prisons", async () => {
    const wrapper = mountApp(ParticipantsArea, { props: { session: SESSION } });
    await flushPromises();
    const empty = wrapper.find(byTestId("participants-empty")).text();
    expect(empty).toContain("Todavía no hay participantes. Empieza con «Nueva participante».");
    expect(empty).toContain("«Nueva participante». Si vas a una cárcel donde no se permiten laptops, imprime antes el «Formulario en blanco»");
    await wrapper.find(byTestId("participant-search")).setValue("Zafiro");
    await new Promise((resolve) => setTimeout(resolve, 350));
    await flushPromises();
    expect(wrapper.find(byTestId("participants-empty")).text()).toContain("Prueba con otras palabras o quita los filtros");
    wrapper.unmount();
  });

  it("a file's contacts and notes: what to record and with which button, only while it can be changed", () => {
    const props = { file: { participant: rosita(), records: [] }, session: SESSION, staff: [], readOnly: false };
    let wrapper = mountApp(ContactsTab, { props });
    expect(wrapper.find(byTestId("contacts-empty")).text()).toBe(
      "Todavía no hay contactos. Registra cada visita, llamada o acompañamiento con «Registrar contacto».",
    );
    expect(wrapper.find(byTestId("notes-empty")).text()).toContain("«Agregar nota»");
    wrapper.unmount();
    wrapper = mountApp(ContactsTab, { props: { ...props, readOnly: true } });
    expect(wrapper.find(byTestId("contacts-empty")).text()).toBe("Todavía no hay contactos.");
    wrapper.unmount();
  });
});
