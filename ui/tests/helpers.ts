import { mount, flushPromises } from "@vue/test-utils";
import type { Component } from "vue";
import PrimeVue from "primevue/config";
import ToastService from "primevue/toastservice";
import { i18n, showLanguage } from "../src/i18n";

// PrimeVue's DatePicker listens to media queries, which jsdom lacks.
if (!window.matchMedia) {
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
}

// PrimeVue's tab list watches its size; the test DOM has no ResizeObserver.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

/** The selector of the element a test finds by its `data-testid`. */
export const byTestId = (id: string) => `[data-testid="${id}"]`;

/** The element with this `data-testid` anywhere in the page (dialogs are drawn outside the
 *  mounted component). */
export const inBody = (id: string) => document.body.querySelector<HTMLElement>(byTestId(id));

/** Mounts a component with the app's plugins (Spanish, PrimeVue without theme CSS); `stubs`
 *  stands in for components the test DOM cannot draw (the summaries' charts). */
export function mountApp(
  component: Component,
  options: { props?: Record<string, unknown>; stubs?: Record<string, Component | boolean> } = {},
) {
  showLanguage("es");
  return mount(component, {
    props: options.props,
    attachTo: document.body,
    global: {
      plugins: [i18n, [PrimeVue, { theme: "none" }], ToastService],
      stubs: options.stubs,
    },
  });
}

export { flushPromises };

/** A rejected IPC call as Tauri delivers a command's Err(CommandError); `reason` says why a
 *  sync or join file was refused. */
export function commandError(code: string, field: string | null = null, reason: string | null = null) {
  return { code, message: `developer text for ${code}`, field, reason };
}

/** A laptop as `device_list` answers it: registered, not revoked, never heard from. */
export const device = (extra: Record<string, unknown>) => ({
  id: "d",
  name: "Laptop",
  staff: null,
  registered: true,
  revoked: false,
  lastHeard: null,
  joinExpires: null,
  thisLaptop: false,
  ...extra,
});

/** Rosita's file as `participant_file` answers it: open, unassigned, nothing sensitive. */
export const rosita = (extra: Record<string, unknown> = {}) => ({
  id: "p1",
  caseCode: "CO-ROSA-0001",
  legalName: "Rosa",
  chosenName: "Rosita",
  birthYear: 1990,
  department: null,
  municipality: null,
  genderIdentity: null,
  ethnicity: null,
  nationality: null,
  disability: null,
  safeContact: null,
  messageOk: null,
  status: "open",
  closingReason: null,
  assignedTo: null,
  sharedWith: [],
  documentsPending: 0,
  needsOpen: 0,
  createdAt: "2025-01-01T00:00:00Z",
  ...extra,
});

/** Colombia's deadlines for a woman's requests about her data, as catalog_get answers them: the
 *  part of a CountryCatalog fixture that only the rights screens read (with the documents that
 *  count as outcomes in summaries, which only the core reads). */
export const CO_RIGHTS = {
  outcomeDocuments: { identity: ["cedula"], health: ["eps"] },
  rightsRequests: {
    access: { days: 10, businessDays: true, basis: "Ley 1581 de 2012, art. 14 (consultas)" },
    correction: { days: 15, businessDays: true, basis: "Ley 1581 de 2012, art. 15 (reclamos)" },
    erasure: { days: 15, businessDays: true, basis: "Ley 1581 de 2012, art. 15 (reclamos)" },
  },
  holidaysNote: "Festivos nacionales de Colombia (Ley 51 de 1983) de 2026 y 2027.",
  holidays: ["2026-11-02", "2026-11-16", "2026-12-08", "2026-12-25"],
};
