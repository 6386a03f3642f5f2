import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ReferralsTab from "../src/components/casefile/ReferralsTab.vue";
import { byTestId, commandError, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = { staffId: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5, demo: false };
const STAFF = [{ id: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", active: true, createdAt: "2025-01-01T00:00:00Z" }];
const FILE = { participant: { id: "p1", caseCode: "CO-ABC123", chosenName: "Majo", assignedTo: "ana" }, records: [] };
const SHELTER = {
  id: "org-1",
  organization: { name: "Casa Refugio Mujeres", kind: "non_profit", categories: ["housing"], acceptsRecords: true, municipality: "Medellín", department: "Antioquia" },
  services: [{ id: "svc-1", service: { organizationId: "org-1", name: "Albergue temporal", category: "housing" } }],
};

type Call = { command: string; args: Record<string, unknown> };
let calls: Call[] = [];
/** The core: the directory, and record_save answering from a queue (an Error is thrown). */
function fakeCore(saves: unknown[]) {
  calls = [];
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    calls.push({ command, args: (args ?? {}) as Record<string, unknown> });
    if (command === "directory_search") return { items: [SHELTER], total: 1 };
    if (command === "directory_get") {
      if ((args as { id: string }).id === SHELTER.id) return SHELTER;
      throw commandError("not_found");
    }
    if (command === "record_save") {
      const answer = saves.shift();
      if (answer && typeof answer === "object" && "code" in answer) throw answer;
      return answer;
    }
    throw new Error(`unexpected ${command}`);
  });
}
const saveCalls = () => calls.filter((call) => call.command === "record_save").map((call) => call.args.data as Record<string, unknown>);

function choose(id: string, value: string) {
  const select = inBody(id) as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event("change"));
}

/** Opens the form and fills a housing referral to the shelter, sharing her data. */
async function fillReferral() {
  const wrapper = mountApp(ReferralsTab, { props: { file: FILE, session: SESSION, staff: STAFF, readOnly: false } });
  await flushPromises();
  await wrapper.find(byTestId("referral-add")).trigger("click");
  await flushPromises();
  expect((inBody("referral-shares-data") as HTMLInputElement).checked).toBe(true);
  choose("referral-organization", "org-1");
  await flushPromises();
  choose("referral-service", "svc-1");
  await flushPromises();
  // Picking the service chose its need.
  expect((inBody("referral-category") as HTMLSelectElement).value).toBe("housing");
  inBody("referral-save")?.click();
  await flushPromises();
  return wrapper;
}

describe("referrals tab and the consent gate", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("stops at the gate, records the consent for that organization, then saves the referral by itself", async () => {
    const consent = { id: "consent-9", participantId: "p1", createdAt: "", createdBy: "ana", masked: false, data: { kind: "consent" } };
    fakeCore([commandError("consent_required"), consent, { id: "ref-1" }]);
    const wrapper = await fillReferral();

    expect(inBody("consent-gate-dialog")).not.toBeNull();
    const message = inBody("consent-gate-message")?.textContent ?? "";
    expect(message).toContain("Majo");
    expect(message).toContain("Casa Refugio Mujeres");
    expect(inBody("referral-error")).toBeNull();

    inBody("consent-gate-record")?.click();
    await flushPromises();
    expect(inBody("consent-gate-dialog")).toBeNull();
    expect((inBody("consent-purpose") as HTMLSelectElement).value).toBe("referral");
    expect((inBody("consent-organization") as HTMLInputElement).value).toBe("Casa Refugio Mujeres");

    inBody("consent-save")?.click();
    await flushPromises();
    const [first, consentSaved, retried] = saveCalls();
    expect(first).toMatchObject({ kind: "referral", organizationId: "org-1", serviceId: "svc-1", sharesData: true, consentId: null });
    expect(consentSaved).toMatchObject({ kind: "consent", purpose: "referral", organization: "Casa Refugio Mujeres", collectedBy: "ana" });
    expect(retried).toMatchObject({ kind: "referral", organizationId: "org-1", sharesData: true, consentId: "consent-9", category: "housing" });
    expect(inBody("consent-dialog")).toBeNull();
    expect(inBody("referral-dialog")).toBeNull();
    expect(wrapper.emitted("saved")?.length).toBeGreaterThanOrEqual(2);
    wrapper.unmount();
  });

  it("refers her without sharing her data when that is chosen instead", async () => {
    fakeCore([commandError("consent_required"), { id: "ref-1" }]);
    const wrapper = await fillReferral();
    inBody("consent-gate-no-share")?.click();
    await flushPromises();
    const [, retried] = saveCalls();
    expect(retried).toMatchObject({ kind: "referral", sharesData: false, consentId: null });
    expect(inBody("referral-dialog")).toBeNull();
    expect(wrapper.emitted("saved")).toHaveLength(1);
    wrapper.unmount();
  });

  it("goes back to the form, unsaved, when the gate is cancelled", async () => {
    fakeCore([commandError("consent_required")]);
    const wrapper = await fillReferral();
    inBody("consent-gate-cancel")?.click();
    await flushPromises();
    expect(inBody("consent-gate-dialog")).toBeNull();
    expect(inBody("referral-dialog")).not.toBeNull();
    expect(saveCalls()).toHaveLength(1);
    expect(wrapper.emitted("saved")).toBeUndefined();
    wrapper.unmount();
  });

  it("shows any other refusal over the form, not the gate", async () => {
    fakeCore([commandError("case_closed")]);
    const wrapper = await fillReferral();
    expect(inBody("consent-gate-dialog")).toBeNull();
    expect(inBody("referral-error")?.textContent).toContain("Este caso está cerrado");
    wrapper.unmount();
  });

  it("lists her referrals with the organization's name from the directory", async () => {
    fakeCore([]);
    const file = {
      ...FILE,
      records: [
        {
          id: "r1",
          participantId: "p1",
          createdAt: "2026-11-01T00:00:00Z",
          createdBy: "ana",
          masked: false,
          data: { kind: "referral", category: "housing", organizationId: "org-1", serviceId: "svc-1", referredOn: "2026-11-02", sharesData: false, status: "sent", followUpOn: null, outcome: null },
        },
      ],
    };
    const wrapper = mountApp(ReferralsTab, { props: { file, session: SESSION, staff: STAFF, readOnly: false } });
    await flushPromises();
    // Only her referrals' organizations are asked for, not the whole directory.
    expect(calls.filter((call) => call.command === "directory_get").map((call) => call.args)).toEqual([{ id: "org-1" }]);
    expect(calls.some((call) => call.command === "directory_search")).toBe(false);
    const row = wrapper.find(byTestId("referral-row-0")).text();
    expect(row).toContain("Casa Refugio Mujeres");
    expect(row).toContain("Albergue temporal");
    expect(row).toContain("Enviada");
    expect(row).toContain("Sin compartir datos");
    wrapper.unmount();
  });
});
