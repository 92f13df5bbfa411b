import { CancelledError, GrainError } from '../core/errors';
import { UsageError } from './args';
import { stdio, wasInterrupted, type Out } from './context';
import { extractCommand, extractUsage } from './commands/extract';
import { goldenCommand, goldenUsage } from './commands/golden';
import { correlateCommand, correlateUsage } from './commands/correlate';
import { ablateCommand, ablateUsage } from './commands/ablate';
import { demoCommand, demoUsage } from './commands/demo';
import { experimentCommand, experimentUsage, probeCommand, probeUsage } from './commands/probe';
import { reportCommand, reportUsage } from './commands/report';
import { inspectCommand, inspectUsage } from './commands/inspect';

type Command = { run: (argv: string[], out: Out) => Promise<void>; usage: string };

const commands: Record<string, Command> = {
  demo: { run: demoCommand, usage: demoUsage },
  inspect: { run: inspectCommand, usage: inspectUsage },
  extract: { run: extractCommand, usage: extractUsage },
  golden: { run: goldenCommand, usage: goldenUsage },
  probe: { run: probeCommand, usage: probeUsage },
  experiment: { run: experimentCommand, usage: experimentUsage },
  correlate: { run: correlateCommand, usage: correlateUsage },
  ablate: { run: ablateCommand, usage: ablateUsage },
  report: { run: reportCommand, usage: reportUsage },
};

function usage(): string {
  return ['usage: grain <command> [flags]', '', ...Object.values(commands).map((c) => c.usage + '\n')].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdio.info(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    stdio.warn(`unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdio.info(command.usage);
    return 0;
  }
  try {
    await command.run(rest, stdio);
    return 0;
  } catch (e) {
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (e instanceof UsageError) {
      process.stderr.write(`grain ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof CancelledError || wasInterrupted()) {
      process.stderr.write(`grain ${name}: cancelled; nothing was written\n`);
      return 130;
    }
    if (e instanceof GrainError) {
      process.stderr.write(`grain ${name}: error: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`grain ${name}: internal error (a bug in Grain, please report it): ${(e as Error).stack ?? e}\n`);
    return 70;
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
