// A webview's page (VS Code nests it in two iframes).
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { TIMEOUTS } from '../harness';

export class Webview {
  constructor(private readonly page: Page) {}

  /**
   * The content frame of the last ready webview, i.e. the visible one: panels without
   * retainContextWhenHidden lose their iframe when hidden.
   */
  frame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** What has the focus in the webview: "row <data-key>" for a table row, "<tag> <text>" otherwise, "nothing". */
  async focused(): Promise<string> {
    return this.frame().locator('body').evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a || a === document.body) return 'nothing';
      if (a.tagName === 'TR') return `row ${a.getAttribute('data-key')}`;
      return `${a.tagName.toLowerCase()} ${(a.textContent ?? '').trim()}`;
    });
  }

  /**
   * Waits until the webview's document has the focus: after a palette command VS Code gives it
   * back to a webview editor a moment later, and a quick input opened before that loses it then
   * and closes.
   */
  async focusBack(timeout?: number): Promise<void> {
    await this.frame().locator('body').evaluate(
      (_, ms) =>
        new Promise<void>((resolve, reject) => {
          if (document.hasFocus()) return resolve();
          const timer = setTimeout(() => reject(new Error(`the webview did not get the focus back within ${ms} ms`)), ms);
          window.addEventListener('focus', () => (clearTimeout(timer), resolve()), { once: true });
        }),
      timeout ?? TIMEOUTS.ui,
    );
  }

  locator(selector: string, options?: { hasText?: string | RegExp }): Locator {
    return this.frame().locator(selector, options);
  }
}
