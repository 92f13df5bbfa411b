import { CancelledError, GrainError } from '../core/errors';
import { UsageError } from './args';
import { signalExitCode, stdio, stoppedBy, type Out } from './context';
import { printable } from './printable';
import { sweepStaleTempDirs } from '../core/io/temp';
import { fileSystemError } from '../core/io/read-file';
import { extractCommand, extractUsage } from './commands/extract';
import { goldenCommand, goldenUsage } from './commands/golden';
import { correlateCommand, correlateUsage } from './commands/correlate';
import { ablateCommand, ablateUsage } from './commands/ablate';
import { demoCommand, demoUsage } from './commands/demo';
import { annotateCommand, annotateUsage, experimentCommand, experimentUsage, probeCommand, probeUsage } from './commands/probe';
import { reportCommand, reportUsage } from './commands/report';
import { rankCommand, rankUsage } from './commands/rank';
import { compareRankingsCommand, compareRankingsUsage } from './commands/compare-rankings';
import { conceptCommand, conceptUsage } from './commands/concept';
import { inspectCommand, inspectUsage } from './commands/inspect';
import { contextsCommand, contextsUsage, describeCommand, describeUsage } from './commands/contexts';

type Command = { run: (argv: string[], out: Out) => Promise<void>; usage: string };

const commands: Record<string, Command> = {
  demo: { run: demoCommand, usage: demoUsage },
  inspect: { run: inspectCommand, usage: inspectUsage },
  extract: { run: extractCommand, usage: extractUsage },
  golden: { run: goldenCommand, usage: goldenUsage },
  probe: { run: probeCommand, usage: probeUsage },
  experiment: { run: experimentCommand, usage: experimentUsage },
  annotate: { run: annotateCommand, usage: annotateUsage },
  rank: { run: rankCommand, usage: rankUsage },
  'compare-rankings': { run: compareRankingsCommand, usage: compareRankingsUsage },
  concept: { run: conceptCommand, usage: conceptUsage },
  correlate: { run: correlateCommand, usage: correlateUsage },
  ablate: { run: ablateCommand, usage: ablateUsage },
  contexts: { run: contextsCommand, usage: contextsUsage },
  describe: { run: describeCommand, usage: describeUsage },
  report: { run: reportCommand, usage: reportUsage },
};

function usage(): string {
  return ['usage: grain <command> [flags]', '', ...Object.values(commands).map((c) => c.usage + '\n')].join('\n');
}

/**
 * Exit codes (README, "Exit codes"): 0 done; 1 an input (file, model, value in a file) is wrong
 * or the run cannot be done, with a message naming the file and line; 2 the command line is
 * wrong (unknown command or flag, a missing or malformed option value); 70 a bug in Grain;
 * 128 + n stopped by signal n (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), nothing written.
 */
export const EXIT = { ok: 0, input: 1, usage: 2, internal: 70 } as const;

async function main(argv: string[]): Promise<number> {
  sweepStaleTempDirs();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdio.info(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    stdio.warn(`unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdio.info(command.usage);
    return EXIT.ok;
  }
  try {
    await command.run(rest, stdio);
    return EXIT.ok;
  } catch (e) {
    if (process.stderr.isTTY) process.stderr.write('\n');
    const say = (text: string) => process.stderr.write(printable(text) + '\n');
    const signal = stoppedBy();
    if (e instanceof UsageError) {
      say(`grain ${name}: ${e.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    if (e instanceof CancelledError || signal) {
      say(`grain ${name}: ${signal ? `stopped by ${signal}` : 'cancelled'}; nothing was written`);
      return signal ? signalExitCode(signal) : signalExitCode('SIGINT');
    }
    const userError = e instanceof GrainError ? e : fileSystemError(e);
    if (userError) {
      say(`grain ${name}: error: ${userError.message}`);
      return EXIT.input;
    }
    say(`grain ${name}: internal error (a bug in Grain, please report it): ${(e as Error).stack ?? e}`);
    return EXIT.internal;
  }
}

// `grain inspect ... | head`: a reader that stops early is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  // The benchmark measures a whole run's peak memory as the kernel counts it.
  if (process.env.GRAIN_PRINT_MAXRSS) process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`);
  process.exitCode = code;
});
