// The workbench as the user sees it, one page object per part: what each E2E test does reads as
// what the user does (run a command, pick, click a row, hover a word, press a toast's button).
import type { Locator, Page } from 'playwright-core';
import { TIMEOUTS, type VsCodeSession } from '../harness';
import { CommandPalette } from './command-palette';
import { Dialog } from './dialog';
import { Editor } from './editor';
import { Hover } from './hover';
import { Notifications } from './notifications';
import { OutputPanel } from './output';
import { FileDialog, QuickInput } from './quick-input';
import { SideBar } from './side-bar';
import { StatusBar } from './status-bar';
import { Webview } from './webview';
import { WorkspaceTrust } from './workspace-trust';

export { Editor } from './editor';
export { Toast } from './notifications';

export class Workbench {
  readonly page: Page;
  readonly palette: CommandPalette;
  readonly quickInput: QuickInput;
  readonly fileDialog: FileDialog;
  readonly sideBar: SideBar;
  readonly editor: Editor;
  readonly hover: Hover;
  readonly notifications: Notifications;
  readonly statusBar: StatusBar;
  readonly webview: Webview;
  readonly output: OutputPanel;
  readonly trust: WorkspaceTrust;
  readonly dialog: Dialog;
  /** The panel (Problems, Output, Terminal, Grain's Heat Map). */
  readonly panel: Locator;

  constructor(readonly session: VsCodeSession) {
    this.page = session.page;
    this.palette = new CommandPalette(this.page);
    this.quickInput = new QuickInput(this.page);
    this.fileDialog = new FileDialog(this.quickInput);
    this.sideBar = new SideBar(this.page);
    this.editor = new Editor(this.page);
    this.hover = new Hover(this.page, this.editor);
    this.notifications = new Notifications(this.page);
    this.statusBar = new StatusBar(this.page);
    this.webview = new Webview(this.page);
    this.output = new OutputPanel(this.page);
    this.trust = new WorkspaceTrust(this.page);
    this.dialog = new Dialog(this.page);
    this.panel = this.page.locator('.part.panel');
  }

  /** Opens a workspace file by its path relative to the folder, through Quick Open (Ctrl+P). */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInput.input.waitFor({ state: 'visible' });
    await this.quickInput.type(relativePath);
    const name = relativePath.split('/').at(-1)!;
    await this.quickInput.row(name).waitFor();
    await this.quickInput.accept();
    await this.quickInput.closed();
    await this.editor.activeTab(name).waitFor();
  }

  /**
   * Developer: Reload Window (not page.reload(): only the command saves the editor layout, so
   * webview panels come back through their serializers); waits for the new workbench.
   */
  async reload(): Promise<void> {
    const loaded = this.page.waitForEvent('load');
    await this.palette.run('Developer: Reload Window');
    await loaded;
    await this.page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUTS.workbench });
  }

  /** Preferences: Color Theme, then `name`; waits until the workbench has the theme's class (vs, vs-dark, hc-black, hc-light). */
  async setColorTheme(name: string, cls: string): Promise<void> {
    const pick = await this.palette.start('Preferences: Color Theme');
    await pick.type(name);
    await pick.rowLabelled(name).click();
    await pick.closed();
    await this.page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: TIMEOUTS.ui });
  }

  /** Notifications: Clear All Notifications (earlier toasts out of the way of a screenshot). */
  async clearNotifications(): Promise<void> {
    await this.palette.run('Notifications: Clear All Notifications');
  }

  /** Saves a screenshot of the whole window (test-results/e2e/<name>.png). */
  screenshot(name: string): Promise<string> {
    return this.session.screenshot(name);
  }
}

/** Polls `get` until `ok` holds (bounded): for what the page redraws without an event to wait on. */
export async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await get();
  }
  return last;
}
