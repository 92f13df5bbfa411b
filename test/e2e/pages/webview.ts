// A webview's page (VS Code nests it in two iframes).
import type { FrameLocator, Locator, Page } from 'playwright-core';

export class Webview {
  constructor(private readonly page: Page) {}

  /**
   * The content frame of the last ready webview, i.e. the visible one: panels without
   * retainContextWhenHidden lose their iframe when hidden.
   */
  frame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  locator(selector: string, options?: { hasText?: string | RegExp }): Locator {
    return this.frame().locator(selector, options);
  }
}
