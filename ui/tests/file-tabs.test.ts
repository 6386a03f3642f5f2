// A woman's file makes only the tab on screen, so that opening a file does not build a dozen
// hidden tabs in the web process; the tabs whose form is edited in place (her details, her
// household, her needs) stay made, so what was typed there outlives a look at another tab.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ParticipantFileView from "../src/components/casefile/ParticipantFileView.vue";
import { syncState } from "../src/sync";
import { byTestId, flushPromises, mountApp, rosita } from "./helpers";

const mockedInvoke = vi.mocked(invoke);


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

  it("makes only the tab on screen, and keeps the forms edited in place made", async () => {
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

    // Typed in her household, a look at Contactos, and back: the text is still there.
    await wrapper.find(byTestId("tab-household")).trigger("click");
    await flushPromises();
    await wrapper.find('input[data-testid="household-size"]').setValue("4");
    await wrapper.find(byTestId("tab-contacts")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("household-tab")).exists()).toBe(true);
    expect(wrapper.find(byTestId("needs-tab")).exists()).toBe(true);
    await wrapper.find(byTestId("tab-household")).trigger("click");
    await flushPromises();
    expect((wrapper.find('input[data-testid="household-size"]').element as HTMLInputElement).value).toBe("4");
    wrapper.unmount();
  });
});
