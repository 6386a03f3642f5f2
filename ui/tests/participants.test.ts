import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ParticipantsArea from "../src/areas/ParticipantsArea.vue";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = {
  staffId: "s1",
  username: "ana",
  displayName: "Ana Rojas",
  role: "caseworker",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const CATALOG = { country: "CO", regionLabel: "department", regions: ["Antioquia"], documents: [] };
const STAFF = [{ id: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", active: true, createdAt: "2025-01-01T00:00:00Z" }];
const ROW = { id: "p1", caseCode: "CO-ABC123", chosenName: "Majo", department: "Antioquia", status: "open", assignedTo: "ana", documentsPending: 3, needsOpen: 0 };

function fakeCore(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    if (command in extra) return extra[command]((args ?? {}) as Record<string, unknown>);
    if (command === "catalog_get") return CATALOG;
    if (command === "staff_list") return STAFF;
    if (command === "participant_list") return { items: [ROW], total: 1, capped: false };
    throw { code: "internal", message: `unexpected ${command}`, field: null };
  });
}

describe("participants list", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    vi.useRealTimers();
    // Dialogs are teleported to the body; start each test from an empty page.
    document.body.innerHTML = "";
  });

  it("lists case codes and chosen names, never asking for legal names", async () => {
    fakeCore();
    const wrapper = mountApp(ParticipantsArea, { props: { session: SESSION } });
    await flushPromises();
    const row = wrapper.find(byTestId("participant-row-CO-ABC123"));
    expect(row.text()).toContain("Majo");
    expect(row.text()).toContain("Ana Rojas");
    expect(mockedInvoke).toHaveBeenCalledWith("participant_list", {
      query: expect.objectContaining({ text: null, status: "open", offset: 0, limit: 20 }),
    });
    wrapper.unmount();
  });

  it("searches with the typed text after a pause, from the first page", async () => {
    fakeCore();
    const wrapper = mountApp(ParticipantsArea, { props: { session: SESSION } });
    await flushPromises();
    vi.useFakeTimers();
    await wrapper.find(byTestId("participant-search")).setValue("  maria jos ");
    vi.advanceTimersByTime(350);
    vi.useRealTimers();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenLastCalledWith("participant_list", {
      query: expect.objectContaining({ text: "maria jos", offset: 0 }),
    });
    wrapper.unmount();
  });

  it("checks the new participant's legal name and year before asking the core, and hides assignment from caseworkers", async () => {
    fakeCore();
    const wrapper = mountApp(ParticipantsArea, { props: { session: SESSION } });
    await flushPromises();
    await wrapper.find(byTestId("participant-add")).trigger("click");
    await flushPromises();
    const dialog = document.body.querySelector(byTestId("participant-dialog"));
    expect(dialog).not.toBeNull();
    expect(document.body.querySelector(byTestId("new-assign"))).toBeNull();
    const year = document.body.querySelector<HTMLInputElement>(byTestId("new-birth-year"))!;
    year.value = "88";
    year.dispatchEvent(new Event("input"));
    await flushPromises();
    document.body.querySelector<HTMLButtonElement>(byTestId("participant-save"))!.click();
    await flushPromises();
    expect(document.body.querySelector(byTestId("new-legal-name-error"))?.textContent).toContain("Falta completar este campo");
    expect(document.body.querySelector(byTestId("new-birth-year-error"))?.textContent).toContain("cuatro cifras");
    expect(mockedInvoke).not.toHaveBeenCalledWith("participant_add", expect.anything());
    wrapper.unmount();
  });

  it("shows the core's invalid_input next to the field it names", async () => {
    fakeCore({
      participant_add: () => {
        throw commandError("invalid_input", "legalName");
      },
    });
    const wrapper = mountApp(ParticipantsArea, { props: { session: SESSION } });
    await flushPromises();
    await wrapper.find(byTestId("participant-add")).trigger("click");
    await flushPromises();
    const name = document.body.querySelector<HTMLInputElement>(byTestId("new-legal-name"))!;
    name.value = "María\u0007";
    name.dispatchEvent(new Event("input"));
    await flushPromises();
    document.body.querySelector<HTMLButtonElement>(byTestId("participant-save"))!.click();
    await flushPromises();
    expect(document.body.querySelector(byTestId("new-legal-name-error"))?.textContent).toContain("no es válido");
    wrapper.unmount();
  });
});
