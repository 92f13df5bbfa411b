// The status bar and its items.
import type { Locator, Page } from 'playwright-core';

export class StatusBar {
  readonly part: Locator;
  constructor(private readonly page: Page) {
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

  /** Hovers the item that says `text` and returns its tooltip's text once it says `tip`; moves the pointer away after. */
  async tooltip(text: string | RegExp, tip: string | RegExp): Promise<string> {
    await this.item(text).hover();
    const shown = this.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: tip }).first();
    await shown.waitFor();
    const said = (await shown.innerText()).replace(/\s+/g, ' ').trim();
    await this.page.mouse.move(700, 400);
    return said;
  }
}
