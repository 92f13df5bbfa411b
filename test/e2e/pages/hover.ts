// The editor hover: move the mouse over a word, read what the hover says, click its links.
import type { Locator, Page } from 'playwright-core';
import { TIMEOUTS } from '../harness';
import type { Editor } from './editor';

export class Hover {
  readonly widget: Locator;

  constructor(
    private readonly page: Page,
    private readonly editor: Editor,
  ) {
    this.widget = page.locator('.monaco-hover:not(.hidden)');
  }

  /**
   * Moves the mouse over the whole word `word` (a plain-text line is one token span, so the middle
   * of a span may be another word: the word's box comes from a DOM Range) and returns the hover's
   * text once a hover that says `says` (by default: names the word) shows.
   */
  async over(word: string, timeout: number = TIMEOUTS.ui, says: string | RegExp = word): Promise<string> {
    const box = await this.editor.wordBox(word);
    if (!box) throw new Error(`no word ${word} in the editor`);
    await this.page.mouse.move(box.x, box.y);
    const hover = this.widget.filter({ hasText: says }).first();
    await hover.waitFor({ state: 'visible', timeout });
    return (await hover.innerText()).trim();
  }

  /** Moves the mouse over `word` and waits `ms`: the text of any hover shown then ('' for none). */
  async quietOver(word: string, ms: number): Promise<string> {
    const box = await this.editor.wordBox(word);
    if (!box) throw new Error(`no word ${word} in the editor`);
    await this.page.mouse.move(box.x, box.y);
    await this.page.waitForTimeout(ms);
    const shown = this.widget.filter({ hasText: /\S/ });
    return (await shown.count()) ? (await shown.first().innerText()).trim() : '';
  }

  /** Clicks the first link of the hover labelled `label`. */
  async clickLink(label: string | RegExp): Promise<void> {
    await this.widget.locator('a', { hasText: label }).first().click();
  }

  async dismiss(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }
}
