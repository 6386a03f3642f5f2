// A woman's file makes only the tab on screen (and her details, edited in place), so that
// opening a file does not build thirteen hidden tabs in the web process.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ParticipantFileView from "../src/components/casefile/ParticipantFileView.vue";
import { syncState } from "../src/sync";
import { flushPromises, mountApp, rosita } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

// PrimeVue's tab list watches its size; the test DOM has no ResizeObserver.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;
const byTestId = (id: string) => `[data-testid="${id}"]`;

const CATALOG = { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };

describe("a woman's file", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    syncState.conflicts = [];
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "participant_file") return { participant: rosita(), records: [] };
      if (command === "legal_overview") return null;
      return [];
    });
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("makes only the tab on screen, and keeps her details' form made", async () => {
    const wrapper = mountApp(ParticipantFileView, {
      props: { participantId: "p1", session: { username: "marta", role: "coordinator" }, catalog: CATALOG, staff: [] },
    });
    await flushPromises();
    expect(wrapper.find("#details-form").exists()).toBe(true);
    for (const hidden of ["contacts-tab", "documents-tab"]) {
      expect(wrapper.find(byTestId(hidden)).exists()).toBe(false);
    }

    await wrapper.find(byTestId("tab-contacts")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("contacts-tab")).exists()).toBe(true);
    expect(wrapper.find(byTestId("documents-tab")).exists()).toBe(false);
    expect(wrapper.find("#details-form").exists()).toBe(true);

    await wrapper.find(byTestId("tab-documents")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("documents-tab")).exists()).toBe(true);
    expect(wrapper.find(byTestId("contacts-tab")).exists()).toBe(false);
    wrapper.unmount();
  });
});
