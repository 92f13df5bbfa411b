/**
 * Writes the ONNX test models that imitate real exporters (see test/fixtures/models/README.md):
 *
 *   node --import tsx scripts/make-test-models.ts
 *
 * Everything comes from seeds and the demo tokenizers, so a re-run gives identical bytes;
 * test/unit/test-models.test.ts fails when the committed files differ from what this writes.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { generateTestModels, STYLES } from '../test/fixtures/onnx/exporters/styles';

const OUT = resolve(import.meta.dirname, '../test/fixtures/models');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const files = generateTestModels();
for (const style of STYLES) {
  const dir = join(OUT, style);
  // Files the generator no longer writes must not linger in a style folder.
  try {
    for (const path of listFiles(dir)) if (!files.has(relative(OUT, path))) rmSync(path);
  } catch {
    // first run: the folder does not exist yet
  }
}
let total = 0;
for (const [path, data] of files) {
  const target = join(OUT, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, data);
  total += data.byteLength;
}
console.log(`wrote ${files.size} files (${(total / 1024).toFixed(0)} KiB) under ${relative(process.cwd(), OUT)}/`);
