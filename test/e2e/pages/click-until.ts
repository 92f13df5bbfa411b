// A click VS Code can lose: a toast or a tree row redrawn under the pointer (progress updates,
// a refresh after a file changed) swallows the click without an error. Clicking again until
// what the click opens shows, a few times at most, is what a user would do too.
import type { Locator } from 'playwright-core';

/** Clicks `target` until `shows` is visible (each try waits `wait` ms); fails after `tries`. */
export async function clickUntil(target: Locator, shows: Locator, what: string, tries = 3, wait = 15_000): Promise<void> {
  for (let t = 1; ; t++) {
    // A click that lands while the outcome is already on its way may find the target gone or covered.
    await target.click({ timeout: wait }).catch((e: unknown) => {
      if (t === 1) throw e;
    });
    try {
      await shows.waitFor({ timeout: wait });
      return;
    } catch (e) {
      if (t >= tries) throw new Error(`${what}: nothing after ${tries} clicks`, { cause: e });
    }
  }
}
