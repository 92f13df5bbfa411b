import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { GrainError } from '../errors';
import { modelFolderFiles } from '../model/folder';

/** What a run reads: files, and model folders (every file Grain may read from them counts). */
export interface RunInputs {
  files: readonly (string | undefined)[];
  models: readonly (string | undefined)[];
}

const SYSTEM_FS = /^\/(proc|sys|dev)(\/|$)/;

/**
 * Refuses an output path before any work is done: one that is (or resolves, through links or as
 * a hard link, to) an input of the run, a directory, a device or pipe, a place on /proc, /sys or
 * /dev, or a folder Grain cannot write in. Results are written only after the whole run, so a
 * bad path found at the end would cost all of it.
 */
export function checkOutputPath(out: string, inputs: RunInputs, flag = '--out'): void {
  const abs = resolve(out);
  const fail = (why: string) => new GrainError(`${flag} ${why}`, { file: out });
  if (SYSTEM_FS.test(abs)) throw fail('is on a system file system (/proc, /sys or /dev), not a place for results');
  const existing = statOrUndefined(abs);
  if (existing?.isDirectory()) throw fail(`is a folder; give a file name inside it, e.g. ${join(out, `result${extensionOf(out)}`)}`);
  if (existing && !existing.isFile()) throw fail('is not a regular file (a device, pipe or socket)');
  const folder = nearestExistingFolder(dirname(abs));
  if (!folder.isDir) throw fail(`cannot be created: ${folder.path} is a file, not a folder`);
  try {
    accessSync(folder.path, constants.W_OK);
  } catch {
    throw fail(`cannot be written: no permission to write in ${folder.path}`);
  }
  const target = existing ? realpathSync(abs) : join(realpathSync(folder.path), abs.slice(folder.path.length));
  for (const input of inputFiles(inputs)) {
    const st = statOrUndefined(input);
    if (!st) continue;
    const same = realpathSync(input) === target || (existing !== undefined && st.dev === existing.dev && st.ino === existing.ino);
    if (same) {
      throw fail(`is ${input === resolve(out) ? '' : `the same file as ${input}, `}an input of this run: Grain never writes over what it reads; choose another file name`);
    }
  }
}

/**
 * The files of a run's inputs; a model contributes every file of its folder and of its onnx/
 * subfolder (see modelFolderFiles: an onnx/model.onnx brings the tokenizer folder above it).
 */
function inputFiles(inputs: RunInputs): string[] {
  const files = inputs.files.filter((f): f is string => !!f).map((f) => resolve(f));
  for (const m of inputs.models) {
    if (!m) continue;
    files.push(resolve(m), ...modelFolderFiles(m));
  }
  return files;
}

function nearestExistingFolder(path: string): { path: string; isDir: boolean } {
  let at = path;
  for (;;) {
    const st = statOrUndefined(at);
    if (st) return { path: at, isDir: st.isDirectory() };
    const up = dirname(at);
    if (up === at) return { path: at, isDir: false };
    at = up;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function extensionOf(path: string): string {
  const m = /\.[A-Za-z0-9]+$/.exec(basename(path));
  return m ? m[0] : '.json';
}
