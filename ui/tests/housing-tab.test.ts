import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import HousingTab from "../src/components/casefile/HousingTab.vue";
import { byTestId, commandError, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const FILE = {
  participant: { id: "p1" },
  records: [
    {
      id: "r1",
      participantId: "p1",
      createdAt: "2025-01-01T00:00:00Z",
      createdBy: "ana",
      masked: false,
      data: { kind: "housing", situation: "rented", from: "2024-02-01", until: null, municipality: "Medellín", address: null },
    },
  ],
};

describe("housing tab", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("edits a period: the dialog opens on it and an invalid_input lands on its field", async () => {
    mockedInvoke.mockRejectedValue(commandError("invalid_input", "municipality"));
    const wrapper = mountApp(HousingTab, { props: { file: FILE, readOnly: false } });
    await wrapper.find(byTestId("housing-edit-0")).trigger("click");
    await flushPromises();
    expect(inBody("housing-municipality")).not.toBeNull();
    expect((inBody("housing-municipality") as HTMLInputElement).value).toBe("Medellín");
    inBody("housing-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("record_save", expect.objectContaining({ participantId: "p1", recordId: "r1" }));
    expect(document.body.textContent).toContain("no es válido");
    expect(wrapper.emitted("saved")).toBeUndefined();
    wrapper.unmount();
  });

  it("deletes a period after the confirmation, and keeps the dialog open with a refusal", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("forbidden")).mockResolvedValueOnce(null);
    const wrapper = mountApp(HousingTab, { props: { file: FILE, readOnly: false } });
    await wrapper.find(byTestId("housing-delete-0")).trigger("click");
    await flushPromises();
    expect(inBody("confirm-dialog")).not.toBeNull();
    inBody("confirm-accept")?.click();
    await flushPromises();
    expect(inBody("confirm-error")).not.toBeNull();
    expect(wrapper.emitted("saved")).toBeUndefined();
    inBody("confirm-accept")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenLastCalledWith("record_delete", { participantId: "p1", recordId: "r1" });
    expect(wrapper.emitted("saved")).toHaveLength(1);
    wrapper.unmount();
  });

  it("offers no edit or delete on a read-only file", async () => {
    const wrapper = mountApp(HousingTab, { props: { file: FILE, readOnly: true } });
    expect(wrapper.find(byTestId("housing-edit-0")).exists()).toBe(false);
    expect(wrapper.find(byTestId("housing-delete-0")).exists()).toBe(false);
    wrapper.unmount();
  });
});
