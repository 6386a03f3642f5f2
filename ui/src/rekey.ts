// The new recovery code after a re-key (removing someone's access, revoking a laptop,
// "Cambiar código de recuperación"). The old code stops working at that moment and the new one
// is never shown again, so App.vue shows it above whatever screen is there
// (components/NewRecoveryCodeDialog.vue), even if the session locks while the person is writing
// it down. Kept in memory only, and dropped as soon as she confirms she wrote it down.

import { reactive } from "vue";
import type { RekeyResult, StaffMember } from "./api";

export interface RekeyState {
  /** The new recovery code waiting to be written down, or null. */
  code: string | null;
  /** Display names of the colleagues whose passwords an administrator must now reset. */
  needsReset: string[];
  /** The organization's name, for the printed sheet (kept: a lock drops the session). */
  orgName: string;
}

export const rekeyState = reactive<RekeyState>({ code: null, needsReset: [], orgName: "" });

/** The colleagues' names, by their staff ids; an id stays as it is when no one has it. */
export function staffNames(ids: readonly string[], staff: readonly Pick<StaffMember, "id" | "displayName">[]): string[] {
  return ids.map((id) => staff.find((member) => member.id === id)?.displayName ?? id);
}

/** Shows the new recovery code once; `staff` names the colleagues to reset. */
export function showNewRecoveryCode(
  result: RekeyResult,
  staff: readonly Pick<StaffMember, "id" | "displayName">[],
  orgName: string,
): void {
  rekeyState.code = result.recoveryCode;
  rekeyState.needsReset = staffNames(result.needsPasswordReset, staff);
  rekeyState.orgName = orgName;
}

/** She wrote the code down: it leaves memory. */
export function forgetNewRecoveryCode(): void {
  rekeyState.code = null;
  rekeyState.needsReset = [];
  rekeyState.orgName = "";
}
