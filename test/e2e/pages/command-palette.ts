// The command palette (F1): run a command by its title.
import type { Page } from 'playwright-core';
import { TIMEOUTS } from '../harness';
import { QuickInput } from './quick-input';

export class CommandPalette {
  private readonly quick: QuickInput;

  constructor(page: Page) {
    this.quick = new QuickInput(page);
  }

  /**
   * Opens the palette, types `>title` and clicks the command's row. Extensions register their
   * contributions a moment after the workbench shows, and an open palette does not pick up
   * commands that arrive later: it reopens the palette until the row is there. Clicks the row
   * rather than pressing Enter, which may pick a recently used command listed first.
   */
  private async choose(title: string): Promise<void> {
    const row = this.quick.rowLabelled(title);
    const deadline = Date.now() + TIMEOUTS.ui;
    for (;;) {
      await this.quick.page.keyboard.press('F1');
      await this.quick.input.waitFor({ state: 'visible' });
      await this.quick.type(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: Math.min(3_000, Math.max(1, deadline - Date.now())) });
        break;
      } catch (err) {
        await this.quick.page.keyboard.press('Escape');
        await this.quick.closed();
        if (Date.now() >= deadline) throw new Error(`no command "${title}" in the palette after ${TIMEOUTS.ui} ms`, { cause: err });
      }
    }
    await row.click();
  }

  /** Runs a command that asks nothing: the palette closes. */
  async run(title: string): Promise<void> {
    await this.choose(title);
    await this.quick.closed();
  }

  /**
   * Runs a command that asks something at once (a quick pick, an input box, a file dialog): the
   * palette never closes in between, so this returns the quick input the command took over.
   */
  async start(title: string): Promise<QuickInput> {
    await this.choose(title);
    return this.quick;
  }
}
