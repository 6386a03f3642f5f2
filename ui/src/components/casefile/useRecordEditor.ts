// The flow the file's forms share: a draft with its field problems, a save that checks first,
// puts the core's `invalid_input` on the field it names (or shows it over the form), toasts and
// asks for the file again; and a record's deletion behind a confirmation. With `draft`, what is
// typed in the dialog outlives a lock or a crash (see drafts.ts).
// Call from a component's setup (it uses the i18n and toast services).

import { ref, shallowRef, watch } from "vue";
import type { Ref } from "vue";
import { useI18n } from "vue-i18n";
import { useToast } from "primevue/usetoast";
import { api, toAppError } from "../../api";
import type { AppError } from "../../api";
import { attachFieldError, focusFirstError } from "../../forms";
import { clearErrorsOnEdit, hasErrors } from "../../validation";
import type { FieldErrors } from "../../validation";
import { useDraft } from "../../drafts";

/** How a dialog's typed content is kept across a lock or a crash (drafts.ts). */
export interface EditorDraft<C> {
  /** The form and what it is about, e.g. `contact/<participantId>`. */
  key: string;
  /** What the dialog needs besides its fields to come back (e.g. the id of the record edited). */
  context?: () => C;
  /** Puts that back before the fields are filled; false when it no longer can (e.g. the plan
   *  the hours were for is gone), and the draft is dropped. */
  restoreContext?: (context: C) => boolean | void;
}

/** What drafts.ts keeps of a dialog. */
interface EditorState<F, C> {
  form: F;
  /** The fields as the dialog opened, so that it still knows what was typed. */
  openedWith: string;
  context: C | undefined;
}

export interface RecordEditorOptions<F extends Record<string, unknown>, C = undefined> {
  /** The reactive draft. */
  form: F;
  /** The reactive field problems (field name → i18n key). */
  errors: FieldErrors;
  /** Field name → element id, in form order (where the focus goes on a problem). */
  ids: Record<string, string>;
  /** Called after every successful save (the tab asks for the file again). */
  saved?: () => void;
  /** Form field → other names the core may give it in an error (see attachFieldError). */
  aliases?: Record<string, string[]>;
  /** Keep what is typed across a lock or a crash (the dialog opens again with it). */
  draft?: EditorDraft<C>;
}

export interface SubmitOptions<T> {
  /** Sets the field problems; answering false stops the save as a problem would. */
  validate?: () => boolean | void;
  /** Writes the draft. */
  persist: () => Promise<T>;
  /** The success toast (default: "file.saved"), or how to word it from what the core answered. */
  toast?: string | ((result: T) => string);
  /** How long the success toast stays, in milliseconds (default 3000). */
  toastLife?: number;
  /** Called after a successful save, with what the core answered (after `saved`). */
  onSaved?: (result: T) => void;
  /** Called when the core's error lands on a field, before the focus moves there. */
  onFieldError?: () => void;
  /** Whether a save attempt may start at all (besides not saving already). */
  guard?: () => boolean;
  /**
   * Sees the core's refusal first; answering true means it was dealt with (e.g. the consent
   * gate opened a dialog) and the form shows nothing. The draft and the dialog stay as they are.
   */
  onError?: (error: AppError) => boolean;
}

export function useRecordEditor<F extends Record<string, unknown>, C = undefined>(options: RecordEditorOptions<F, C>) {
  const { form, errors, ids, saved, aliases = {}, draft } = options;
  const { t } = useI18n();
  const toast = useToast();
  const visible = ref(false);
  const saving = ref(false);
  const formError = ref<string | null>(null);
  clearErrorsOnEdit(form, errors);
  // The fields as the dialog opened: anything else was typed (or picked) by the person.
  let openedWith = "";

  /** Clears the problems (and the form's message) without touching the draft. */
  function clearErrors() {
    for (const key of Object.keys(errors)) errors[key] = null;
    formError.value = null;
  }

  /** Fills the draft, clears the problems and shows the dialog. */
  function open(values: Partial<F>) {
    Object.assign(form, values);
    clearErrors();
    openedWith = JSON.stringify(form);
    visible.value = true;
  }

  const kept = draft
    ? useDraft<EditorState<F, C>>(draft.key, {
        getState: () => ({ form, openedWith, context: draft.context?.() }),
        setState: (state) => {
          if (draft.restoreContext?.(state.context as C) === false) return false;
          Object.assign(form, state.form);
          clearErrors();
          openedWith = state.openedWith;
          visible.value = true;
        },
        isDirty: () => visible.value && JSON.stringify(form) !== openedWith,
      })
    : null;
  // Once the dialog closes (saved, cancelled or discarded) a draft brought back is settled.
  if (kept) {
    watch(visible, (shown) => {
      if (!shown) kept.settle();
    });
  }
  const draftRestored = kept?.restored ?? ref(false);

  /** "Descartar": the text brought back is thrown away with its dialog. */
  function discardDraft() {
    visible.value = false;
    kept?.settle();
  }

  async function submit<T>(submitOptions: SubmitOptions<T>): Promise<void> {
    if (saving.value || (submitOptions.guard && !submitOptions.guard())) return;
    formError.value = null;
    const ok = submitOptions.validate?.() !== false;
    if (hasErrors(errors) || !ok) {
      focusFirstError(errors, ids);
      return;
    }
    saving.value = true;
    try {
      const result = await submitOptions.persist();
      visible.value = false;
      const wording = submitOptions.toast;
      const summary = wording === undefined ? t("file.saved") : typeof wording === "string" ? wording : wording(result);
      toast.add({ severity: "success", summary, life: submitOptions.toastLife ?? 3000 });
      saved?.();
      submitOptions.onSaved?.(result);
    } catch (caught) {
      const error = toAppError(caught);
      if (submitOptions.onError?.(error)) return;
      if (attachFieldError(error, errors, aliases)) {
        submitOptions.onFieldError?.();
        focusFirstError(errors, ids);
      } else formError.value = error.i18nKey;
    } finally {
      saving.value = false;
    }
  }

  return { visible, saving, formError, open, clearErrors, submit, draftRestored, discardDraft };
}

/** What RecordDeleteDialog needs of a useRecordDelete. */
export interface RecordDeletion {
  visible: Ref<boolean>;
  busy: Ref<boolean>;
  error: Ref<string | null>;
  setVisible: (open: boolean) => void;
  confirm: () => Promise<void>;
}

/** Deleting one of the file's records, after a confirmation dialog (see RecordDeleteDialog). */
export function useRecordDelete<R extends { id: string }>(participantId: () => string, saved: () => void) {
  const deleting = shallowRef<R | null>(null);
  const visible = ref(false);
  const busy = ref(false);
  const error = ref<string | null>(null);

  function ask(record: R) {
    deleting.value = record;
    error.value = null;
    visible.value = true;
  }

  async function confirm() {
    if (!deleting.value || busy.value) return;
    busy.value = true;
    try {
      await api.recordDelete(participantId(), deleting.value.id);
      visible.value = false;
      saved();
    } catch (caught) {
      error.value = toAppError(caught).i18nKey;
    } finally {
      busy.value = false;
    }
  }

  function setVisible(open: boolean) {
    visible.value = open;
  }

  return { deleting, visible, busy, error, ask, confirm, setVisible };
}
