import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import SyncArea from "../src/areas/SyncArea.vue";
import { forgetSync } from "../src/sync";
import { byTestId, commandError, device, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const COORDINATOR = {
  staffId: "s2",
  username: "lucia.mena",
  displayName: "Lucía Mena",
  role: "coordinator",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const CASEWORKER = { ...COORDINATOR, staffId: "s3", username: "marta_g", displayName: "Marta Gómez", role: "caseworker" };
const STAFF = [
  { id: "s2", username: "lucia.mena", displayName: "Lucía Mena", role: "coordinator", active: true, createdAt: "2025-03-04T15:30:00Z" },
  { id: "s3", username: "marta_g", displayName: "Marta Gómez", role: "caseworker", active: true, createdAt: "2025-04-11T09:10:00Z" },
  { id: "s4", username: "paola.r", displayName: "Paola Ríos", role: "caseworker", active: true, createdAt: "2025-05-20T10:00:00Z" },
];
const DEVICES = [
  device({ id: "dev-office", name: "Laptop Oficina", staff: "lucia.mena", thisLaptop: true }),
  device({ id: "dev-marta", name: "Laptop Marta", staff: "marta_g" }),
  device({ id: "dev-paola", name: "Laptop Paola", staff: "paola.r" }),
  device({ id: "dev-new", name: "Laptop nueva", staff: "paola.r", registered: false, joinExpires: "2099-12-01T00:00:00Z" }),
  device({ id: "dev-old", name: "Laptop vieja", staff: "marta_g", revoked: true }),
];
const CANDIDATES = [
  { id: "p1", caseCode: "MLB-0001", chosenName: "Rosa", facility: "Cárcel El Buen Pastor" },
  { id: "p2", caseCode: "MLB-0002", chosenName: null, facility: "Reclusión de Mujeres de Pereira" },
  { id: "p3", caseCode: "MLB-0003", chosenName: "Carmen", facility: "Cárcel El Buen Pastor" },
  { id: "p4", caseCode: "MLB-0004", chosenName: "Luz", facility: null },
];

function fakeCore(answers: Record<string, unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    const all: Record<string, unknown> = {
      staff_list: STAFF,
      catalog_get: { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] },
      device_list: DEVICES,
      conflicts_list: [],
      sync_folder_get: null,
      visit_candidates: CANDIDATES,
      ...answers,
    };
    if (!(command in all)) throw commandError("internal");
    const answer = all[command];
    return typeof answer === "function" ? (answer as (a: unknown) => unknown)(args) : answer;
  });
}

async function mountArea(session: unknown = COORDINATOR) {
  const wrapper = mountApp(SyncArea, { props: { session } });
  await flushPromises();
  return wrapper;
}

async function choose(id: string, value: string) {
  const select = inBody(id) as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event("change"));
  await flushPromises();
}

async function typeDays(value: string) {
  const input = inBody("visit-days") as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input"));
  await flushPromises();
}

const ticked = (id: string) => (inBody(`visit-candidate-${id}`) as HTMLInputElement).checked;

async function openDialog(wrapper: Awaited<ReturnType<typeof mountArea>>) {
  await wrapper.find(byTestId("visit-prepare-open")).trigger("click");
  await flushPromises();
}

describe("Preparar una visita", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    document.body.innerHTML = "";
  });

  it("says what visit mode is for and offers only the other registered laptops", async () => {
    fakeCore();
    const wrapper = await mountArea();
    const section = wrapper.find(byTestId("visit-prepare-section"));
    expect(section.text()).toContain("solo los datos de las mujeres que vas a visitar");
    expect(section.text()).toContain("salen de la laptop cuando termina la visita");
    await openDialog(wrapper);
    expect(inBody("visit-dialog")).not.toBeNull();
    const select = inBody("visit-device") as HTMLSelectElement;
    expect([...select.options].map((option) => option.value)).toEqual(["", "dev-marta", "dev-paola"]);
    expect(inBody("visit-device-dev-marta")!.textContent).toContain("Laptop Marta · Marta Gómez");
    expect(inBody("visit-device-dev-office")).toBeNull();
    expect(inBody("visit-device-dev-new")).toBeNull();
    expect(inBody("visit-device-dev-old")).toBeNull();
    // The women show once a laptop is chosen.
    expect(inBody("visit-candidates-first")).not.toBeNull();
    expect(mockedInvoke).not.toHaveBeenCalledWith("visit_candidates", expect.anything());
    expect((inBody("visit-days") as HTMLInputElement).value).toBe("7");
    wrapper.unmount();
  });

  it("lists the women the colleague may see, with their prison, and ticks everyone in a prison", async () => {
    fakeCore();
    const wrapper = await mountArea();
    await openDialog(wrapper);
    await choose("visit-device", "dev-marta");
    expect(mockedInvoke).toHaveBeenCalledWith("visit_candidates", { deviceId: "dev-marta" });
    const rosa = inBody("visit-candidate-p1") as HTMLInputElement;
    expect(rosa.type).toBe("checkbox");
    const rosaRow = rosa.closest("li")!.textContent!;
    expect(rosaRow).toContain("MLB-0001");
    expect(rosaRow).toContain("Rosa");
    expect(rosaRow).toContain("Cárcel El Buen Pastor");
    expect(inBody("visit-candidate-p2")!.closest("li")!.textContent).toContain("sin nombre");
    expect(inBody("visit-candidate-p4")!.closest("li")!.textContent).toContain("Sin cárcel registrada");
    // The distinct prisons, in order; none until one is chosen.
    const facility = inBody("visit-facility") as HTMLSelectElement;
    expect([...facility.options].map((option) => option.value)).toEqual(["", "Cárcel El Buen Pastor", "Reclusión de Mujeres de Pereira"]);
    expect(inBody("visit-pick-facility")!.hasAttribute("disabled")).toBe(true);
    await choose("visit-facility", "Cárcel El Buen Pastor");
    expect(inBody("visit-pick-facility")!.textContent).toContain("Todas las de esta cárcel");
    inBody("visit-pick-facility")!.click();
    await flushPromises();
    expect(ticked("p1")).toBe(true);
    expect(ticked("p3")).toBe(true);
    expect(ticked("p2")).toBe(false);
    expect(ticked("p4")).toBe(false);
    expect(inBody("visit-picked-count")!.textContent).toContain("2 mujeres marcadas");
    wrapper.unmount();
  });

  it("checks the women and the days before asking the core", async () => {
    fakeCore({ visit_prepare: null });
    const wrapper = await mountArea();
    await openDialog(wrapper);
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-device-error")!.textContent).toContain("Elige la laptop");
    await choose("visit-device", "dev-marta");
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-candidates-error")!.textContent).toContain("Marca al menos una mujer");
    inBody("visit-candidate-p1")!.click();
    await typeDays("0");
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-days-error")!.textContent).toContain("de 1 a 30");
    await typeDays("31");
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-days-error")).not.toBeNull();
    await typeDays("2.5");
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-days-error")).not.toBeNull();
    expect(mockedInvoke).not.toHaveBeenCalledWith("visit_prepare", expect.anything());
    await typeDays("30");
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-days-error")).toBeNull();
    expect(mockedInvoke).toHaveBeenCalledWith("visit_prepare", { deviceId: "dev-marta", participantIds: ["p1"], days: 30 });
    // The save dialog was closed: nothing written, the form stays.
    expect(inBody("visit-cancelled")).not.toBeNull();
    expect(inBody("visit-result")).toBeNull();
    wrapper.unmount();
  });

  it("saves the package and says which laptop, how many women, until when, and what to do next", async () => {
    fakeCore({
      visit_prepare: { deviceId: "dev-marta", deviceName: "Laptop Marta", fileName: "acompana_visita_marta.sync", changes: 120 },
    });
    const wrapper = await mountArea();
    await openDialog(wrapper);
    await choose("visit-device", "dev-marta");
    // Ticked in another order than shown: sent in the order shown.
    inBody("visit-candidate-p3")!.click();
    await flushPromises();
    inBody("visit-candidate-p1")!.click();
    await flushPromises();
    await typeDays("5");
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("visit_prepare", { deviceId: "dev-marta", participantIds: ["p1", "p3"], days: 5 });
    const result = inBody("visit-result")!.textContent!;
    expect(result).toContain("Laptop Marta");
    expect(result).toContain("acompana_visita_marta.sync");
    expect(result).toContain("2 mujeres");
    expect(result).toMatch(/hasta el .*\d{4}/);
    expect(result).toContain("Abrir archivo recibido");
    expect(inBody("visit-submit")).toBeNull();
    inBody("visit-result-close")!.click();
    await flushPromises();
    expect(inBody("visit-dialog")).toBeNull();
    wrapper.unmount();
  });

  it("says plainly that a woman's file must be shared with that colleague first", async () => {
    fakeCore({
      visit_prepare: () => {
        throw commandError("invalid_input", "participantIds");
      },
    });
    const wrapper = await mountArea();
    await openDialog(wrapper);
    await choose("visit-device", "dev-paola");
    inBody("visit-candidate-p2")!.click();
    inBody("visit-submit")!.click();
    await flushPromises();
    const error = inBody("visit-error")!;
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("no está asignada ni compartida con la compañera de esa laptop");
    expect(error.textContent).toContain("asignarle o compartirle su expediente");
    expect(inBody("visit-result")).toBeNull();
    wrapper.unmount();
  });

  it("says when this laptop cannot prepare a visit for that laptop", async () => {
    fakeCore({
      visit_prepare: () => {
        throw commandError("invalid_input", "device");
      },
    });
    const wrapper = await mountArea();
    await openDialog(wrapper);
    await choose("visit-device", "dev-marta");
    inBody("visit-candidate-p1")!.click();
    inBody("visit-submit")!.click();
    await flushPromises();
    expect(inBody("visit-error")!.textContent).toContain("todos los expedientes");
    wrapper.unmount();
  });

  it("lets a caseworker prepare a visit only for her own laptop, and hides it when she has none", async () => {
    fakeCore();
    const wrapper = await mountArea(CASEWORKER);
    await openDialog(wrapper);
    const select = inBody("visit-device") as HTMLSelectElement;
    // Her only laptop is chosen for her, and its women are read at once.
    expect([...select.options].map((option) => option.value)).toEqual(["", "dev-marta"]);
    expect(select.value).toBe("dev-marta");
    expect(mockedInvoke).toHaveBeenCalledWith("visit_candidates", { deviceId: "dev-marta" });
    expect(inBody("visit-candidate-p1")).not.toBeNull();
    wrapper.unmount();

    document.body.innerHTML = "";
    const other = await mountArea({ ...CASEWORKER, username: "sin.laptop" });
    expect(other.find(byTestId("visit-prepare-section")).exists()).toBe(false);
    other.unmount();
  });
});
