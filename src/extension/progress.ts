// A job's progress as VS Code draws it: a message with the stage's percentage and the increments
// that move the notification's bar. Jobs report counts per stage ("extracting train 120/3000",
// then "extracting test 0/500", ...); the bar cannot go back, so each phase of the job gets an
// equal share of what is left of it, the last phase all of it. No `vscode` import (unit-tested).
import type { Job } from '../shared/jobs';
import type { Progress } from '../shared/protocol/worker';

/** How many phases (runs of counts towards one total) a job reports, as far as its spec says. */
export function expectedPhases(job: Job): number {
  switch (job.kind) {
    case 'probe':
      return (job.model ? 2 : 0) + 1 + (job.control ? 1 : 0);
    case 'experiment':
      return (job.model ? 2 : 0) + 1;
    case 'correlate':
      return (job.activations ? 0 : job.models.length) + 1;
    case 'ablate':
      return job.curve ? 2 : 1;
    default:
      return 1;
  }
}

export interface ProgressStep {
  message: string;
  /** Percentage points to add to the bar (0..100 in all). */
  increment: number;
}

export class ProgressBar {
  /** Percentage drawn so far. */
  private drawn = 0;
  private phase = -1;
  private start = 0;
  private span = 0;
  private last?: Progress;

  constructor(private readonly phases: number) {}

  next(p: Progress): ProgressStep {
    const total = Math.max(0, p.total);
    const done = Math.min(Math.max(0, p.done), total);
    // A new phase: another total, or counting again from fewer.
    if (!this.last || this.last.total !== p.total || p.done < this.last.done) {
      this.phase++;
      this.start = this.drawn;
      const left = Math.max(1, this.phases - this.phase);
      this.span = (100 - this.start) / left;
    }
    this.last = p;
    const fraction = total > 0 ? done / total : 0;
    const target = Math.min(100, this.start + this.span * fraction);
    const increment = Math.max(0, target - this.drawn);
    this.drawn += increment;
    const percent = Math.floor(100 * fraction);
    const counts = total > 1 ? ` (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})` : '';
    return { message: `${p.stage}: ${percent}%${counts}`, increment };
  }
}
