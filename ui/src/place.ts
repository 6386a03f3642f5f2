// Where the person is in the shell: the area on screen and, in Participantes, the woman's file
// and the tab open in it. The shell and the file keep it current. drafts.ts keeps a copy across
// a lock or a crash, so that the same person comes back to where she was; a crash report names
// only the area (crash.ts), never the file. Memory only, like everything of a session.

import { reactive } from "vue";
import type { AreaId } from "./areas";
import type { FileTab } from "./caseFile";

export interface ShellPlace {
  area: AreaId;
  /** The participant id of the file open in Participantes, or null on the list. */
  fileId: string | null;
  /** The tab that file shows. */
  fileTab: FileTab | null;
}

export const shellPlace = reactive<ShellPlace>({ area: "today", fileId: null, fileTab: null });
