// Sync between two laptops, part 8: Lucía signs in; her laptop syncs the folder by itself and
// Rosita's erasure takes her file off this laptop too. (What is left at rest is checked at the
// end of the run, in sync-9b-laptop.test.mjs.)

import { TIMEOUT, browser, byTestId, clickTestId, gone, session, shot, signIn, step } from "../support.mjs";
import { NEW_PASSWORD, laptopDataDir, rosaCode } from "../sync-shared.mjs";

session("sync-laptop-erased", { args: ["--data-dir", laptopDataDir] });

step("at sign-in her laptop syncs the folder, and Rosita is gone from it too", async () => {
  await signIn({ username: "lucia", password: NEW_PASSWORD });
  const toast = await browser.$('[data-testid="toast"] .sync-folder-toast');
  await toast.waitForExist({ timeout: TIMEOUT, timeoutMsg: "no message about the folder after sign-in" });
  await clickTestId("nav-participants");
  // Rosita was the only woman on her laptop: the list is empty once it has loaded.
  await byTestId("participants-empty");
  await gone(`participant-open-${rosaCode()}`);
  await shot("96-laptop-after-erasure");
});
