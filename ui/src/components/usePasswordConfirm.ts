// The person's own password asked again before the core re-keys the vault (removing someone's
// access, revoking a laptop, a new recovery code): the box, its problem, the dialog's problem and
// the busy flag. `fieldId` is the password box's id, focused again when it has a problem. Call
// from a component's setup.

import { nextTick, ref, watch } from "vue";
import { toAppError } from "../api";

export function usePasswordConfirm(fieldId: string) {
  const password = ref("");
  const busy = ref(false);
  /** i18n key of the password box's problem. */
  const problem = ref<string | null>(null);
  /** i18n key of any other problem, said in the dialog. */
  const error = ref<string | null>(null);
  watch(password, () => (problem.value = null));

  function refocus() {
    nextTick(() => document.getElementById(fieldId)?.focus());
  }

  /** Empties the box (and so its problem): the password leaves memory when its dialog closes. */
  function reset() {
    password.value = "";
    problem.value = null;
  }

  /** A fresh dialog: no password, no problems. */
  function prepare() {
    reset();
    error.value = null;
  }

  /** Calls the core with the password and answers what it answered, the box emptied; null when
   *  nothing was done (busy already, an empty box, or an error, which is then shown). */
  async function run<T>(action: (password: string) => Promise<T>): Promise<T | null> {
    if (busy.value) return null;
    error.value = null;
    if (password.value === "") {
      problem.value = "validation.required";
      refocus();
      return null;
    }
    busy.value = true;
    try {
      const result = await action(password.value);
      password.value = "";
      return result;
    } catch (caught) {
      const appError = toAppError(caught);
      // The box is enabled again before the focus goes back to it.
      busy.value = false;
      if (appError.code === "wrong_credentials" || appError.isForField("password")) {
        // Empty the box first: editing it clears its problem, and this is not an edit.
        password.value = "";
        await nextTick();
        problem.value = appError.i18nKey;
        refocus();
      } else {
        error.value = appError.i18nKey;
      }
      return null;
    } finally {
      busy.value = false;
    }
  }

  return { password, busy, problem, error, fieldId, run, reset, prepare };
}
