import { createApp } from "vue";
import PrimeVue from "primevue/config";
import ToastService from "primevue/toastservice";
import "primeicons/primeicons.css";
import "./styles/app.css";
import "./styles/today-referrals.css";
import "./styles/legal.css";
import "./styles/sync.css";
import "./styles/rights.css";
import "./styles/summaries.css";
import "./styles/print.css";
import App from "./App.vue";
import { applyDocumentLanguage, i18n } from "./i18n";
import { AcompanaPreset } from "./theme";
import { installCrashHandlers } from "./crash";

const app = createApp(App);
// Before anything can fail: an unexpected error shows the calm crash screen, not a broken UI.
installCrashHandlers(app);
app.use(i18n);
app.use(PrimeVue, {
  ripple: false,
  theme: {
    preset: AcompanaPreset,
    // Light only: the dark scheme is never switched on, so the checked contrasts hold.
    options: { darkModeSelector: ".acompana-dark-never", cssLayer: false },
  },
});
app.use(ToastService);
applyDocumentLanguage();
app.mount("#app");
