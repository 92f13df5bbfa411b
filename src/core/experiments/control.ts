/** Selectivity (Hewitt & Liang 2019): the task probe's accuracy minus a control-task probe's. */
import { selectivity } from '../probe/evaluate';
import { retrainAccuracy, type ProbeTask } from './task';
import type { SelectivityResult } from './types';

/**
 * Trains the same probe on control labels (src/core/corpus controlLabels for train, the same
 * word -> label map for test) and compares. Pass taskAccuracy to reuse a trained full probe's.
 */
export async function controlSelectivity(
  task: ProbeTask,
  yTrainControl: Int32Array,
  yTestControl: Int32Array,
  columns?: ArrayLike<number>,
  taskAccuracy?: number,
): Promise<SelectivityResult> {
  const all = columns ?? Int32Array.from({ length: task.train.neurons }, (_, i) => i);
  const taskAcc = taskAccuracy ?? (await retrainAccuracy(task, all));
  const control = await retrainAccuracy({ ...task, yTrain: yTrainControl, yTest: yTestControl }, all);
  return selectivity(taskAcc, control);
}
