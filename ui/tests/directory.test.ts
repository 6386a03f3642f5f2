import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import DirectoryArea from "../src/areas/DirectoryArea.vue";
import { loadDirectoryIndex, loadOrganizations, referralTarget, verification } from "../src/directory";
import { byTestId, commandError, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const CASEWORKER = { staffId: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5, demo: false };
const COORDINATOR = { ...CASEWORKER, role: "coordinator" };
const CATALOG = { country: "CO", regionLabel: "department", regions: ["Antioquia", "Valle del Cauca"], documents: [], legalApplicationTypes: [] };
const SHELTER = {
  id: "org-1",
  organization: {
    name: "Casa Refugio Mujeres",
    kind: "non_profit",
    categories: ["housing", "violence_safety"],
    acceptsRecords: true,
    municipality: "Medellín",
    department: "Antioquia",
    verifiedOn: "2020-03-01",
  },
  services: [{ id: "svc-1", service: { organizationId: "org-1", name: "Albergue temporal", category: "housing", verifiedOn: null } }],
};

function fakeCore(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    if (command in extra) return extra[command]((args ?? {}) as Record<string, unknown>);
    if (command === "catalog_get") return CATALOG;
    if (command === "directory_search") return { items: [SHELTER], total: 1 };
    throw new Error(`unexpected ${command}`);
  });
}

describe("directory", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists organizations with their services, and flags what was not checked for over a year", async () => {
    fakeCore();
    const wrapper = mountApp(DirectoryArea, { props: { session: CASEWORKER } });
    await flushPromises();
    const card = wrapper.find(byTestId("directory-org-0")).text();
    expect(card).toContain("Casa Refugio Mujeres");
    expect(card).toContain("Vivienda · Violencia de género y seguridad");
    expect(card).toContain("Acepta antecedentes");
    expect(wrapper.find(byTestId("directory-verified-0")).text()).toContain("hace más de un año");
    expect(wrapper.find(byTestId("directory-service-0-0")).text()).toContain("Albergue temporal");
    expect(wrapper.find(byTestId("directory-service-0-0")).text()).toContain("Sin verificar");
    // Caseworkers add and correct entries but do not remove them.
    expect(wrapper.find(byTestId("directory-edit-0")).exists()).toBe(true);
    expect(wrapper.find(byTestId("directory-delete-0")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("searches by need, department and records accepted", async () => {
    fakeCore();
    const wrapper = mountApp(DirectoryArea, { props: { session: CASEWORKER } });
    await flushPromises();
    await wrapper.find(byTestId("directory-category")).setValue("housing");
    await wrapper.find(byTestId("directory-department")).setValue("Antioquia");
    await wrapper.find(byTestId("directory-records")).setValue(true);
    await flushPromises();
    expect(mockedInvoke).toHaveBeenLastCalledWith("directory_search", {
      query: { text: null, category: "housing", department: "Antioquia", acceptsRecords: true, limit: 20, offset: 0 },
    });
    wrapper.unmount();
  });

  it("adds an organization with what it helps with", async () => {
    const saved = { ...SHELTER, id: "org-2", organization: { ...SHELTER.organization, name: "Fundación Nuevo Horizonte" }, services: [] };
    fakeCore({ directory_save_organization: () => saved });
    const wrapper = mountApp(DirectoryArea, { props: { session: CASEWORKER } });
    await flushPromises();
    await wrapper.find(byTestId("directory-add")).trigger("click");
    await flushPromises();
    const name = inBody("dir-name") as HTMLInputElement;
    name.value = "Fundación Nuevo Horizonte";
    name.dispatchEvent(new Event("input"));
    for (const id of ["dir-category-employment", "dir-category-housing", "dir-accepts-records"]) {
      inBody(id)?.click();
      await flushPromises();
    }
    const department = inBody("dir-department") as HTMLSelectElement;
    department.value = "Antioquia";
    department.dispatchEvent(new Event("change"));
    inBody("organization-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("directory_save_organization", {
      id: null,
      organization: expect.objectContaining({
        name: "Fundación Nuevo Horizonte",
        kind: "non_profit",
        categories: ["housing", "employment"],
        acceptsRecords: true,
        department: "Antioquia",
      }),
    });
    expect(wrapper.find(byTestId("directory-org-0")).text()).toContain("Fundación Nuevo Horizonte");
    wrapper.unmount();
  });

  it("lets a coordinator remove an organization, and shows the core's refusal in the confirmation", async () => {
    fakeCore({ directory_delete: () => Promise.reject(commandError("forbidden")) });
    const wrapper = mountApp(DirectoryArea, { props: { session: COORDINATOR } });
    await flushPromises();
    await wrapper.find(byTestId("directory-delete-0")).trigger("click");
    await flushPromises();
    inBody("confirm-accept")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("directory_delete", { id: "org-1" });
    expect(inBody("confirm-error")?.textContent).toContain("No tienes permiso");
    wrapper.unmount();
  });
});

describe("directory helpers", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });


  it("flags an entry never checked or checked more than a year ago", () => {
    expect(verification(null, "2026-11-29")).toBe("never");
    expect(verification("2025-11-29", "2026-11-29")).toBe("recent");
    expect(verification("2025-11-28", "2026-11-29")).toBe("stale");
    expect(verification("2026-06-01", "2026-11-29")).toBe("recent");
  });

  it("asks for each organization once, leaving out one deleted from the directory", async () => {
    mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
      const id = (args as { id: string }).id;
      if (command === "directory_get" && id === "org-1") return SHELTER;
      throw commandError("not_found");
    });
    const found = await loadOrganizations(["org-1", "gone", "org-1"]);
    expect([...found.keys()]).toEqual(["org-1"]);
    expect(mockedInvoke).toHaveBeenCalledTimes(2);
  });

  it("stops at any other refusal", async () => {
    mockedInvoke.mockRejectedValue(commandError("locked"));
    await expect(loadOrganizations(["org-1"])).rejects.toMatchObject({ code: "locked" });
  });

  it("reads the whole directory page by page", async () => {
    const entry = (n: number) => ({
      id: `org-${n}`,
      organization: { name: `Organización ${n}`, kind: "non_profit", categories: [] },
      services: [{ id: `svc-${n}`, service: { organizationId: `org-${n}`, name: `Servicio ${n}`, category: "housing" } }],
    });
    mockedInvoke.mockImplementation(async (_command: string, args?: unknown) => {
      const offset = (args as { query: { offset: number } }).query.offset;
      const size = offset === 0 ? 200 : 5;
      return { items: Array.from({ length: size }, (_, i) => entry(offset + i)), total: 205 };
    });
    const index = await loadDirectoryIndex();
    expect(index.size).toBe(205);
    expect(mockedInvoke).toHaveBeenCalledTimes(2);
    expect(mockedInvoke).toHaveBeenLastCalledWith("directory_search", {
      query: { text: null, category: null, department: null, acceptsRecords: false, limit: 200, offset: 200 },
    });
    expect(referralTarget(index, "org-204", "svc-204")).toEqual({ organization: "Organización 204", service: "Servicio 204" });
    expect(referralTarget(index, "gone", null)).toEqual({ organization: null, service: null });
  });
});
