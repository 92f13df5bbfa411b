// The side bar: activity-bar containers (Explorer, Grain) and their views, read as the rows the
// user sees.
import type { Locator, Page } from 'playwright-core';
import { clickUntil } from './click-until';

export class TreeView {
  readonly pane: Locator;
  readonly header: Locator;

  constructor(
    page: Page,
    readonly name: string,
  ) {
    this.pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}\\s*$`, 'i') }) });
    this.header = this.pane.locator('.pane-header');
  }

  /** Every row (list rows of the view). */
  get rowsLocator(): Locator {
    return this.pane.locator('.monaco-list-row');
  }

  /** The first row with `text`. */
  row(text: string | RegExp): Locator {
    return this.rowsLocator.filter({ hasText: text }).first();
  }

  /** Expands the view's section when it is collapsed. */
  async expand(): Promise<void> {
    if ((await this.header.getAttribute('aria-expanded')) === 'false') await this.header.click();
  }

  /** Collapses the view's section when it is expanded. */
  async collapse(): Promise<void> {
    if ((await this.header.getAttribute('aria-expanded')) === 'true') await this.header.click();
  }

  /** Clicks a row: expands a collapsed one, runs a row's command. */
  async click(text: string | RegExp): Promise<void> {
    await this.row(text).click();
  }

  /** Clicks a row until `shows` appears: a row redrawn by a refresh can swallow the click. */
  async clickUntil(text: string | RegExp, shows: Locator): Promise<void> {
    await clickUntil(this.row(text), shows, `the ${this.name} view's row ${String(text)}`);
  }

  /** Text of the row with `text`, whitespace runs made single spaces, trimmed. */
  async rowText(text: string | RegExp): Promise<string> {
    return (await this.row(text).innerText()).replace(/\s+/g, ' ').trim();
  }

  /** The rows top to bottom as "label description". */
  async rows(): Promise<string[]> {
    return this.rowsLocator.evaluateAll((els) =>
      els
        // No named helper functions in here: the bundler would wrap them in a __name the page lacks.
        .map((e) => ({
          top: parseFloat((e as HTMLElement).style.top) || 0,
          text: ['.label-name', '.label-description'].map((sel) => (e.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' ').trim(),
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.text),
    );
  }

  /**
   * Waits until the row with `text` says `pattern`. By locator, not by element handle: the tree
   * redraws its rows when it refreshes, and a handle taken earlier may be a row no longer shown.
   */
  async rowSays(text: string | RegExp, pattern: RegExp, timeout?: number): Promise<void> {
    await this.rowsLocator.filter({ hasText: text }).filter({ hasText: pattern }).first().waitFor({ timeout });
  }

  /** The view's welcome content (shown while it has no rows). */
  welcome(text: string | RegExp): Locator {
    return this.pane.locator('.welcome-view-content', { hasText: text });
  }
}

export class SideBar {
  constructor(private readonly page: Page) {}

  private button(container: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${container}"]`);
  }

  /** Shows an activity-bar container (clicking it again would hide the side bar). */
  async open(container: 'Grain' | 'Explorer'): Promise<void> {
    const button = this.button(container);
    const checked = await button.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
    if (checked !== 'true') await button.click();
    if (container === 'Grain') await this.view('Models').pane.waitFor();
  }

  view(name: string): TreeView {
    return new TreeView(this.page, name);
  }

  /**
   * Leaves `name` the only expanded view of the Grain container (the Heat Map is in the panel, not
   * here). Bottom up: a section that collapses moves the ones below it up.
   */
  async only(name: 'Models' | 'Datasets' | 'Analyses' | 'Neurons'): Promise<void> {
    for (const other of ['Neurons', 'Analyses', 'Datasets', 'Models']) if (other !== name) await this.view(other).collapse();
    await this.view(name).expand();
  }

  /** The Explorer's row for a workspace file. */
  explorerRow(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });
  }
}
