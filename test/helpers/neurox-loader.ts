/**
 * NeuroX's neurox.data.loader.load_activations for .hdf5 files, re-implemented for tests where
 * Python's h5py is not at hand: json.loads(file["sentence_to_index"][0]), then, for each value in
 * the object's key order (Python dicts keep the file's order), the dataset of that name,
 * [layers, words, hidden] swapped to [words, layers * hidden]. It never looks at the keys'
 * text, so a sentence whose key was lost is a sentence it does not read.
 */
export interface NeuroxLoaded {
  /** One [words x layers * hidden] matrix per sentence read, in the order the loader reads them. */
  activations: { rows: number; data: Float32Array }[];
  /** The dataset names in that order. */
  datasets: string[];
  /** The keys of sentence_to_index, in the file's order. */
  keys: string[];
  rows: number;
  numLayers: number;
}

export async function neuroxLoadActivationsHdf5(path: string): Promise<NeuroxLoaded> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const file = new h5.File(path, 'r');
  try {
    const map = file.get('sentence_to_index') as InstanceType<typeof h5.Dataset>;
    const text = (map.value as string[])[0];
    const entries = orderedStringObject(text);
    const activations: NeuroxLoaded['activations'] = [];
    let numLayers = 0;
    for (const [, name] of entries) {
      const d = file.get(name) as InstanceType<typeof h5.Dataset>;
      const [layers, words, hidden] = d.shape as number[];
      const cube = d.value as Float32Array;
      const data = new Float32Array(words * layers * hidden);
      for (let w = 0; w < words; w++) for (let l = 0; l < layers; l++) data.set(cube.subarray((l * words + w) * hidden, (l * words + w + 1) * hidden), (w * layers + l) * hidden);
      activations.push({ rows: words, data });
      numLayers = layers;
    }
    return {
      activations,
      datasets: entries.map(([, v]) => v),
      keys: entries.map(([k]) => k),
      rows: activations.reduce((n, a) => n + a.rows, 0),
      numLayers,
    };
  } finally {
    file.close();
  }
}

/**
 * The [key, value] pairs of a JSON object of strings, in document order. JSON.parse cannot give
 * that order: it puts integer-like keys ("1961") first, where Python's json.loads keeps them in
 * place. A later duplicate key replaces the earlier value in place, as in a Python dict.
 */
function orderedStringObject(text: string): [string, string][] {
  const out = new Map<string, string>();
  let at = 0;
  const ws = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const expect = (c: string) => {
    ws();
    if (text[at] !== c) throw new Error(`expected ${c} at ${at} in sentence_to_index`);
    at++;
  };
  const string = (): string => {
    ws();
    const start = at;
    if (text[at++] !== '"') throw new Error(`expected a string at ${start} in sentence_to_index`);
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  expect('{');
  ws();
  if (text[at] === '}') return [];
  for (;;) {
    const key = string();
    expect(':');
    out.set(key, string());
    ws();
    if (text[at] === '}') break;
    expect(',');
  }
  return [...out];
}
