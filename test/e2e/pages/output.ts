// The Output panel's lines (Grain: Show Log opens the Grain channel there).
import type { Locator, Page } from 'playwright-core';

export class OutputPanel {
  constructor(private readonly page: Page) {}

  /** The first line that has `text`. */
  line(text: string | RegExp): Locator {
    return this.page.locator('.part.panel .monaco-editor .view-line', { hasText: text }).first();
  }

  /** A line's text with Monaco's U+00A0 made spaces. */
  async lineText(text: string | RegExp): Promise<string> {
    const line = this.line(text);
    await line.waitFor();
    return (await line.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Clicks a line of the log: focus in the panel makes the log VS Code's active text editor. */
  async focus(text: string | RegExp): Promise<void> {
    await this.line(text).click();
    await this.page.locator('.part.panel .monaco-editor.focused').first().waitFor();
  }
}
