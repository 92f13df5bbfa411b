// The status bar and its items.
import type { Locator, Page } from 'playwright-core';

export class StatusBar {
  readonly part: Locator;
  constructor(page: Page) {
    this.part = page.locator('.part.statusbar');
  }

  /** The first item that says `text`. */
  item(text: string | RegExp): Locator {
    return this.part.locator('.statusbar-item', { hasText: text }).first();
  }

  /** Waits until some item says `text`. */
  async shows(text: string | RegExp, timeout?: number): Promise<void> {
    await this.item(text).waitFor({ timeout });
  }
}
