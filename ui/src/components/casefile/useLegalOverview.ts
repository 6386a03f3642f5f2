// What the core works out from a file on the person's own day (deadlines, the eligibility
// guide, community-service progress), asked for again each time the file is reloaded.
// Call from a component's setup.

import { ref, shallowRef, watch } from "vue";
import { api, toAppError } from "../../api";
import type { LegalOverview, ParticipantFile } from "../../api";
import { todayIso } from "../../caseFile";

export function useLegalOverview(file: () => ParticipantFile) {
  const overview = shallowRef<LegalOverview | null>(null);
  const error = ref<string | null>(null);
  let request = 0;

  async function load() {
    const mine = ++request;
    try {
      const answer = await api.legalOverview(file().participant.id, todayIso());
      if (mine !== request) return; // a newer reload answered first
      overview.value = answer;
      error.value = null;
    } catch (caught) {
      if (mine === request) error.value = toAppError(caught).i18nKey;
    }
  }

  // Every save reloads the file (a new object), and with it what the core works out.
  watch(file, () => void load(), { immediate: true });
  return { overview, error, reload: load };
}
