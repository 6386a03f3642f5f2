/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import VueI18nPlugin from "@intlify/unplugin-vue-i18n/vite";

// The app runs under a strict CSP without 'unsafe-eval'. vue-i18n's message compiler builds
// functions at run time, so the locale JSON is precompiled here (to AST) and only the
// runtime build of vue-i18n is bundled. scripts/check-bundle.mjs proves it after each build.
export default defineConfig({
  plugins: [
    vue(),
    VueI18nPlugin({
      include: [fileURLToPath(new URL("./src/locales/*.json", import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
      strictMessage: true,
      escapeHtml: false,
    }),
  ],
  resolve: {
    alias: [
      { find: "vue-i18n", replacement: "vue-i18n/dist/vue-i18n.runtime.esm-bundler.js" },
      // The webview freezes Object.prototype (Tauri's freezePrototype); ECharts' copy of tslib
      // breaks under it at import time. src/vendor/tslib.ts says why and how.
      { find: /^tslib$/, replacement: fileURLToPath(new URL("./src/vendor/tslib.ts", import.meta.url)) },
    ],
  },
  define: {
    __VUE_OPTIONS_API__: "true",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
    __INTLIFY_PROD_DEVTOOLS__: "false",
  },
  // Tauri serves the files itself and must never reach out: no remote anything.
  // The staff guide (Ayuda) is read from ../docs at build time: the dev and test server may
  // serve that folder besides this one.
  server: {
    port: 5173,
    strictPort: true,
    fs: { allow: [fileURLToPath(new URL(".", import.meta.url)), fileURLToPath(new URL("../docs", import.meta.url))] },
  },
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    sourcemap: false,
    // One chunk is fine for a desktop app loaded from disk; keep the warning quiet.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
    restoreMocks: true,
  },
});
