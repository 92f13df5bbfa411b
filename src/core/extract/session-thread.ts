/**
 * An onnxruntime session on its own thread. onnxruntime-node runs a model synchronously on the
 * thread that calls run(), so on the extraction's thread nothing else could happen while a batch
 * runs: not the aggregation of the previous batch, not the store's checksums and writes. With
 * the session here, the extractor queues batch i+1 and aggregates and writes batch i while it
 * runs. Feeds go over as plain typed arrays and outputs come back as transferred buffers
 * (onnxruntime-node hands out ordinary ArrayBuffers), so nothing is copied on the way.
 *
 * The thread's code is a small CommonJS script (no bundle of its own): it only loads
 * onnxruntime-node, from the path this thread resolved, and runs sessions.
 */
import { Worker } from 'node:worker_threads';
import { GrainError } from '../errors';
import type { OnnxModel } from '../onnx';
import { sessionError, sessionOptions, sessionSource, type SessionOptions } from '../runtime/session';
// Loads onnxruntime here first, which also switches its telemetry off for the whole process
// (the native library reads the environment once, when it loads).
import '../runtime/ort';

/** What a session run takes and gives, without onnxruntime's Tensor class (it does not cross threads). */
export interface PlainTensor {
  type: string;
  dims: readonly number[];
  data: ArrayBufferView;
}

const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
let session;
parentPort.on('message', async (m) => {
  try {
    if (m.kind === 'create') {
      session = await ort.InferenceSession.create(m.model, m.options);
      parentPort.postMessage({ id: m.id });
    } else if (m.kind === 'run') {
      const feeds = {};
      for (const name of Object.keys(m.feeds)) {
        const f = m.feeds[name];
        feeds[name] = new ort.Tensor(f.type, f.data, f.dims);
      }
      const out = await session.run(feeds, m.outputs);
      const result = {};
      const transfer = [];
      for (const name of m.outputs) {
        const t = out[name];
        result[name] = { type: t.type, dims: t.dims, data: t.data };
        if (!transfer.includes(t.data.buffer)) transfer.push(t.data.buffer);
      }
      parentPort.postMessage({ id: m.id, result }, transfer);
    } else if (m.kind === 'release') {
      if (session) await session.release();
      session = undefined;
      parentPort.postMessage({ id: m.id });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Reply {
  id: number;
  result?: Record<string, PlainTensor>;
  error?: string;
}

export class ThreadedSession {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;

  private constructor() {
    this.worker = new Worker(SCRIPT, { eval: true, workerData: { ort: require.resolve('onnxruntime-node') } });
    this.worker.on('message', (r: Reply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref();
      w?.resolve(r);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the onnxruntime thread exited (code ${code})`)));
    // The thread keeps the process alive only while a call is outstanding.
    this.worker.unref();
  }

  static async create(model: OnnxModel, bytes: Uint8Array, opts: SessionOptions): Promise<ThreadedSession> {
    const thread = new ThreadedSession();
    const source = sessionSource(model, bytes);
    try {
      const options = { ...sessionOptions(opts), ...(source.externalData ? { externalData: source.externalData } : {}) };
      // Weights read into memory move to the thread rather than being copied (a whole buffer only).
      const owned = (source.externalData ?? []).map((f) => f.data).filter((d) => d.byteOffset === 0 && d.byteLength === d.buffer.byteLength);
      const r = await thread.call({ kind: 'create', model: source.model, options }, owned.map((d) => d.buffer as ArrayBuffer));
      if (r.error !== undefined) throw new Error(r.error);
      return thread;
    } catch (e) {
      await thread.terminate();
      throw sessionError(model, e);
    } finally {
      source.dispose();
    }
  }

  /** Runs the model; the feeds' buffers are moved to the session's thread (do not reuse them). */
  async run(feeds: Record<string, PlainTensor>, outputs: string[]): Promise<Record<string, PlainTensor>> {
    const transfer: ArrayBuffer[] = [];
    for (const f of Object.values(feeds)) {
      const buffer = f.data.buffer;
      if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && !transfer.includes(buffer)) transfer.push(buffer);
    }
    const r = await this.call({ kind: 'run', feeds, outputs }, transfer);
    if (r.error !== undefined) throw new Error(r.error);
    return r.result!;
  }

  async release(): Promise<void> {
    try {
      if (!this.failed) await this.call({ kind: 'release' });
    } finally {
      await this.terminate();
    }
  }

  private async terminate(): Promise<void> {
    this.failed ??= new GrainError('the model session is closed');
    await this.worker.terminate();
  }

  private call(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }
}
