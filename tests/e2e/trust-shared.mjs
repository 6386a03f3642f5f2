// What the two trust walks share: the office's backup file and its passphrase.
import path from "node:path";
import { runDir } from "./support.mjs";

export const BACKUP_FILE = path.join(runDir, "copia-oficina.age");
export const BACKUP_PASSPHRASE = "una frase larga para la copia";
