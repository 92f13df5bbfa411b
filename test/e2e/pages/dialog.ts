// VS Code's modal dialog (showInformationMessage with modal: true, ...): its text and buttons.
import type { Locator, Page } from 'playwright-core';

export class Dialog {
  readonly box: Locator;

  constructor(page: Page) {
    this.box = page.locator('.monaco-dialog-box');
  }

  /** Waits for the dialog and returns its text, whitespace runs made single spaces. */
  async text(): Promise<string> {
    await this.box.waitFor();
    return (await this.box.innerText()).replace(/\s+/g, ' ').trim();
  }

  async click(label: string): Promise<void> {
    await this.box.locator('.monaco-button', { hasText: label }).first().click();
  }
}
