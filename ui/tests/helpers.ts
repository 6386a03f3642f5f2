import { mount, flushPromises } from "@vue/test-utils";
import type { Component } from "vue";
import PrimeVue from "primevue/config";
import ToastService from "primevue/toastservice";
import { i18n, showLanguage } from "../src/i18n";

/** Mounts a component with the app's plugins (Spanish, PrimeVue without theme CSS). */
export function mountApp(component: Component, options: { props?: Record<string, unknown> } = {}) {
  showLanguage("es");
  return mount(component, {
    props: options.props,
    attachTo: document.body,
    global: {
      plugins: [i18n, [PrimeVue, { theme: "none" }], ToastService],
    },
  });
}

export { flushPromises };

/** A rejected IPC call as Tauri delivers a command's Err(CommandError). */
export function commandError(code: string, field: string | null = null) {
  return { code, message: `developer text for ${code}`, field };
}
