// Sync between two laptops, part 7: the office sets the same sync folder in Configuración and
// syncs: Lucía's change arrives. At the next sign-in the app syncs the folder by itself and
// says so. Then Rosita asks to be erased: the coordinator erases her file, and the folder carries
// the erasure to Lucía's laptop (next file).

import assert from "node:assert/strict";
import {
  answerDialogs,
  browser,
  byTestId,
  clickTestId,
  assertDialogFits,
  clearField,
  es,
  gone,
  typeInto,
  session,
  shot,
  signIn,
  step,
  waitForTextIn,
  TIMEOUT,
} from "../support.mjs";
import { MUNICIPALITY, folderDir, rosaCode, waitForValue } from "../sync-shared.mjs";

session("sync-office-folder");

step("Configuración: the same folder, synced, brings Lucía's change", async () => {
  await signIn();
  await clickTestId("nav-settings");
  await byTestId("sync-folder");
  answerDialogs(folderDir);
  await clickTestId("sync-folder-choose");
  await waitForTextIn("sync-folder-path", folderDir);
  await clickTestId("sync-folder-run");
  await waitForTextIn("sync-folder-report", rosaCode());
  await shot("93-office-sync-folder");
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await waitForValue("detail-municipality", MUNICIPALITY.later);
});

step("at the next sign-in the folder is synced by itself, and the app says so", async () => {
  await clickTestId("lock-button");
  await byTestId("sign-in");
  await signIn();
  // The sign-in run's message (a toast carries its class, not a test id).
  const toast = await browser.$('[data-testid="toast"] .sync-folder-toast');
  await toast.waitForExist({ timeout: TIMEOUT, timeoutMsg: "no message about the folder after sign-in" });
  assert.ok((await toast.getText()).trim().length > 0);
  await shot("94-office-sign-in-folder");
});

step("Rosita asks to be erased: the coordinator types her case code to confirm, and her file is gone", async () => {
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await clickTestId("file-erase");
  await byTestId("erase-dialog");
  await waitForTextIn("erase-explain", rosaCode());
  await typeInto("erase-reason", "Lo pidió ella por teléfono");
  await typeInto("erase-case-code", "CO-0000-0000");
  await clickTestId("erase-confirm");
  await waitForTextIn("erase-case-code-error", es("file.eraseCodeMismatch"));
  await assertDialogFits("erase-dialog");
  await shot("95-erase-dialog");
  await clearField("erase-case-code");
  await typeInto("erase-case-code", rosaCode().toLowerCase());
  await clickTestId("erase-confirm");
  await gone("erase-dialog");
  // Back on the list, loaded (the other walks' women, or none when they did not run), without her.
  await byTestId("participants-table");
  await browser.waitUntil(
    async () =>
      (await browser.$$('[data-testid^="participant-open-"]')).length > 0 ||
      (await browser.$('[data-testid="participants-empty"]').isExisting()),
    { timeout: TIMEOUT, timeoutMsg: "the list did not load" },
  );
  await gone(`participant-open-${rosaCode()}`);
});

step("the folder carries her erasure to Lucía's laptop", async () => {
  await clickTestId("nav-sync");
  await clickTestId("sync-folder-run");
  await waitForTextIn("sync-folder-exported", "Laptop");
});
