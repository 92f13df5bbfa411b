import { printable } from './printable';

/** Where the CLI writes: results to stdout, warnings and progress to stderr, all made printable. */
export interface Out {
  info(line: string): void;
  warn(line: string): void;
  progress(line: string): void;
}

export const stdio: Out = {
  info: (l) => process.stdout.write(printable(l) + '\n'),
  warn: (l) => process.stderr.write(`warning: ${printable(l)}\n`),
  progress: (l) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${printable(l)}\x1b[K`);
  },
};
