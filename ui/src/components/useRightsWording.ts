// Words how an open request about her data stands against its deadline ("Quedan 4 días", "Vence
// hoy", "3 días de atraso"), the same in her file and in the coordinators' list. Call from a
// component's setup.

import { useI18n } from "vue-i18n";
import type { RequestStatus } from "../api";
import { useFormat } from "../format";
import { daysLeft, deadlineState } from "../rights";

export interface Remaining {
  label: string;
  severity: "danger" | "warn" | "secondary";
  /** Past the deadline: marked with an icon and words, never by colour alone. */
  late: boolean;
}

export function useRightsWording() {
  const { t } = useI18n();
  const format = useFormat();

  /** Null once the request is answered. */
  function remaining(request: { status: RequestStatus; deadline: string }, today: string): Remaining | null {
    if (request.status !== "open") return null;
    const left = daysLeft(request.deadline, today);
    switch (deadlineState(request.deadline, today)) {
      case "late":
        return { label: t("rights.late", { count: format.number(-left) }, -left), severity: "danger", late: true };
      case "today":
        return { label: t("rights.dueToday"), severity: "warn", late: false };
      case "soon":
        return { label: t("rights.left", { count: format.number(left) }, left), severity: "warn", late: false };
      case "later":
        return { label: t("rights.left", { count: format.number(left) }, left), severity: "secondary", late: false };
    }
  }

  return { remaining };
}
