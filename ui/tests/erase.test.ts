import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ParticipantFileView from "../src/components/casefile/ParticipantFileView.vue";
import { syncState } from "../src/sync";
import { byTestId, commandError, flushPromises, inBody, mountApp, rosita } from "./helpers";

const mockedInvoke = vi.mocked(invoke);


const PARTICIPANT = rosita();

const CATALOG = { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };

function mount(role: string) {
  return mountApp(ParticipantFileView, {
    props: { participantId: "p1", session: { username: "marta", role }, catalog: CATALOG, staff: [] },
  });
}

function type(id: string, text: string) {
  const field = inBody(id) as HTMLInputElement | HTMLTextAreaElement;
  field.value = text;
  field.dispatchEvent(new Event("input"));
}

describe("erasing her data at her request", () => {
  let erase: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    mockedInvoke.mockReset();
    syncState.conflicts = [];
    erase = vi.fn(async () => null);
    mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
      if (command === "participant_file") return { participant: PARTICIPANT, records: [] };
      if (command === "participant_erase") return erase(args);
      if (command === "conflicts_list") return [];
      if (command === "legal_overview") return null;
      return [];
    });
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("is not offered to a caseworker", async () => {
    const wrapper = mount("caseworker");
    await flushPromises();
    expect(wrapper.find(byTestId("file-name")).exists()).toBe(true);
    expect(wrapper.find(byTestId("file-erase")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("sits beside Reabrir on a closed file, without hiding it", async () => {
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "participant_file") return { participant: { ...PARTICIPANT, status: "closed", closingReason: "completed" }, records: [] };
      if (command === "legal_overview") return null;
      return [];
    });
    const wrapper = mount("coordinator");
    await flushPromises();
    expect(wrapper.find(byTestId("file-reopen")).exists()).toBe(true);
    expect(wrapper.find(byTestId("file-close")).exists()).toBe(false);
    expect(wrapper.find(byTestId("file-erase")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("names her, asks for a reason and her case code, and refuses a code that does not match", async () => {
    const wrapper = mount("coordinator");
    await flushPromises();
    await wrapper.find(byTestId("file-erase")).trigger("click");
    await flushPromises();
    expect(inBody("erase-explain")?.textContent).toContain("Rosita");
    expect(inBody("erase-explain")?.textContent).toContain("CO-ROSA-0001");
    type("erase-reason", "Lo pidió ella");
    type("erase-case-code", "CO-OTRA-0002");
    inBody("erase-confirm")?.click();
    await flushPromises();
    expect(inBody("erase-case-code-error")).not.toBeNull();
    expect(erase).not.toHaveBeenCalled();
    type("erase-case-code", "co-rosa-0001");
    inBody("erase-confirm")?.click();
    await flushPromises();
    expect(erase).toHaveBeenCalledWith({ participantId: "p1", caseCode: "co-rosa-0001", reason: "Lo pidió ella" });
    expect(wrapper.emitted("back")).toHaveLength(1);
    wrapper.unmount();
  });

  it("keeps the dialog open with the core's refusal", async () => {
    erase.mockRejectedValueOnce(commandError("forbidden"));
    const wrapper = mount("admin");
    await flushPromises();
    await wrapper.find(byTestId("file-erase")).trigger("click");
    await flushPromises();
    type("erase-reason", "Lo pidió ella");
    type("erase-case-code", "CO-ROSA-0001");
    inBody("erase-confirm")?.click();
    await flushPromises();
    expect(inBody("erase-error")?.textContent).toContain("No tienes permiso");
    expect(erase).toHaveBeenCalledTimes(1);
    expect(inBody("erase-dialog")).not.toBeNull();
    expect(wrapper.emitted("back")).toBeUndefined();
    wrapper.unmount();
  });
});
