// Workspace trust as the user meets it: the Restricted Mode banner and status item, and the
// Workspace Trust editor ("Workspaces: Manage Workspace Trust", or a Manage button) with its
// Trust button.
import type { Locator, Page } from 'playwright-core';

export class WorkspaceTrust {
  readonly banner: Locator;
  readonly editor: Locator;

  constructor(private readonly page: Page) {
    this.banner = page.locator('.banner', { hasText: 'Restricted Mode' }).first();
    this.editor = page.locator('.workspace-trust-editor').first();
  }

  /** The status bar's Restricted Mode item (shown while the workspace is not trusted). */
  get statusItem(): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first();
  }

  /** Clicks Trust in the open Workspace Trust editor: this folder is trusted from now on. */
  async trust(): Promise<void> {
    await this.editor.locator('.monaco-button', { hasText: /^Trust$/ }).click();
    await this.editor.getByText('You trust this folder').waitFor();
  }
}
