// VS Code's quick input widget: the command palette, quick picks, input boxes and, in the browser,
// the simple file dialog all draw in it.
import type { Locator, Page } from 'playwright-core';
import { TIMEOUTS } from '../harness';

export function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

export class QuickInput {
  readonly widget: Locator;
  readonly input: Locator;

  constructor(readonly page: Page) {
    this.widget = page.locator('.quick-input-widget');
    this.input = this.widget.locator('.quick-input-box input');
  }

  /** The first list row with `text` (a row's label, description or detail). */
  row(text: string | RegExp): Locator {
    return this.widget.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  }

  /** The first row whose label is `label` (exactly, for a string). */
  rowLabelled(label: string | RegExp): Locator {
    return this.widget
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: typeof label === 'string' ? exactText(label) : label }) })
      .first();
  }

  /** Waits until the widget's title says `title` (a command's own pick or box is up). */
  async titled(title: string | RegExp, timeout: number = TIMEOUTS.ui): Promise<void> {
    await this.widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout });
  }

  async type(text: string): Promise<void> {
    await this.input.fill(text);
  }

  async value(): Promise<string> {
    return this.input.inputValue();
  }

  /** The whole list's text, whitespace runs made single spaces (a row's label and description run together). */
  async listText(): Promise<string> {
    return (await this.widget.locator('.quick-input-list').innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Clicks the row with `text` (filtering first keeps it in view in a long list). */
  async pick(text: string | RegExp, filter?: string): Promise<void> {
    if (filter !== undefined) await this.type(filter);
    await this.row(text).click();
  }

  /** Presses Enter (accepts the typed value or the focused row). */
  async accept(): Promise<void> {
    await this.page.keyboard.press('Enter');
  }

  /** Clicks one of the widget's buttons ("OK", "Use This Model", ...). */
  async button(label: string): Promise<void> {
    await this.widget.locator('.monaco-button', { hasText: label }).first().click();
  }

  async closed(): Promise<void> {
    await this.widget.waitFor({ state: 'hidden' });
  }
}

/**
 * The browser's own file dialog (VS Code's simple file dialog): a quick input that takes a path
 * and lists the folder it is in.
 */
export class FileDialog {
  constructor(private readonly quick: QuickInput) {}

  /** Waits until the dialog shows a path and lists `entry` (typing earlier races its first load). */
  async opened(entry?: string): Promise<void> {
    await this.quick.page.waitForFunction(
      () => {
        const el = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
        return !!el && el.offsetParent !== null && el.value.startsWith('/');
      },
      undefined,
      { timeout: TIMEOUTS.ui },
    );
    await (entry === undefined ? this.quick.widget.locator('.quick-input-list .monaco-list-row').first() : this.quick.row(entry)).waitFor();
  }

  /**
   * Once the dialog has listed its first folder, goes to `path` (a folder: into it, ".." listed;
   * a file: its path typed) and presses `button` ("Use This Model", "OK", ...).
   */
  async choose(path: string, button: string, kind: 'folder' | 'file'): Promise<void> {
    await this.opened();
    await this.quick.type(kind === 'folder' ? `${path}/` : path);
    if (kind === 'folder') await this.quick.widget.locator('.quick-input-list .monaco-list-row[aria-label=".."]').waitFor();
    await this.accept(button);
  }

  /** Types `folder`/ and waits until the dialog is inside it: `entryOutside` gone, ".." listed. */
  async enter(folder: string, entryOutside: string | Locator): Promise<void> {
    await this.quick.type(`${folder}/`);
    const outside = typeof entryOutside === 'string' ? this.quick.row(entryOutside) : entryOutside;
    await outside.waitFor({ state: 'hidden' });
    await this.quick.widget.locator('.quick-input-list .monaco-list-row[aria-label=".."]').waitFor();
  }

  async path(): Promise<string> {
    return this.quick.value();
  }

  /** Clicks the dialog's accept button ("Use This Model", "Add Model Folder", ...). */
  async accept(label: string): Promise<void> {
    await this.quick.button(label);
  }
}
