// Notification toasts and their buttons.
import type { Locator, Page } from 'playwright-core';
import { clickUntil } from './click-until';

export class Toast {
  constructor(readonly locator: Locator) {}

  async shown(timeout?: number): Promise<this> {
    await this.locator.waitFor({ timeout });
    return this;
  }

  /** The toast's text with whitespace runs made single spaces. */
  async text(): Promise<string> {
    return (await this.locator.innerText()).replace(/\s+/g, ' ');
  }

  /** The message alone (no source, no buttons), whitespace runs made single spaces. */
  async message(): Promise<string> {
    return (await this.locator.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Closes the toast with its close button (if it still shows one). */
  async dismiss(): Promise<void> {
    await this.locator.locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => undefined);
  }

  button(label: string): Locator {
    return this.locator.locator('.monaco-button', { hasText: label }).first();
  }

  async click(label: string): Promise<void> {
    await this.button(label).click();
  }

  /** Clicks a button until `shows` appears: a toast redrawn by progress can swallow a click. */
  async clickUntil(label: string, shows: Locator): Promise<void> {
    await clickUntil(this.button(label), shows, `the toast's ${label} button`);
  }
}

export class Notifications {
  constructor(private readonly page: Page) {}

  /** The first toast that says `text`. */
  toast(text: string | RegExp): Toast {
    return new Toast(this.page.locator('.notification-toast', { hasText: text }).first());
  }
}
