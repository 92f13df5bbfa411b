// Every Grain command is registered here, once, under an id of the CommandId union (ids.ts).
import * as vscode from 'vscode';
import type { Log } from '../log';
import { showError } from '../notify';
import { COMMAND_IDS, type CommandId } from './ids';

export type { CommandId } from './ids';

export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Registers command handlers. Every body runs inside one error handler: an unexpected failure
 * becomes a logged message and a notification instead of a silent rejected promise.
 */
export class CommandRegistry implements vscode.Disposable {
  private readonly registered = new Map<CommandId, vscode.Disposable>();

  constructor(private readonly log: Log) {}

  register(id: CommandId, run: CommandHandler): void {
    if (this.registered.has(id)) throw new Error(`command ${id} is registered twice`);
    this.registered.set(
      id,
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await run(...args);
        } catch (err) {
          const e = err as Error;
          this.log.error(`${id}: ${e.stack ?? e.message}`);
          void showError(err);
          return undefined;
        }
      }),
    );
  }

  /** Ids no module registered: a command in package.json that would do nothing. */
  missing(): CommandId[] {
    return COMMAND_IDS.filter((id) => !this.registered.has(id));
  }

  dispose(): void {
    for (const d of this.registered.values()) d.dispose();
    this.registered.clear();
  }
}
