import { createGemm } from '../src/core/linalg/gemm';
async function main() {
  for (const [B, d, c] of [[32, 768, 45], [256, 768, 45], [1024, 768, 45]]) {
    const x = new Float32Array(B * d).fill(0.1), w = new Float32Array(c * d).fill(0.2), g = new Float32Array(B * c).fill(0.3);
    for (const th of [1, 2]) {
      const gm = await createGemm({ threads: th, smallProduct: 0 });
      for (let i = 0; i < 50; i++) { await gm.abt(x, w, B, d, c); await gm.atb(g, x, B, c, d); }
      const n = 300; let t = performance.now();
      for (let i = 0; i < n; i++) await gm.abt(x, w, B, d, c);
      const t1 = (performance.now() - t) / n; t = performance.now();
      for (let i = 0; i < n; i++) await gm.atb(g, x, B, c, d);
      const t2 = (performance.now() - t) / n;
      console.log(B, 'threads', th, 'abt us', (t1 * 1000).toFixed(0), (2 * B * d * c / t1 / 1e6).toFixed(1), 'GF; atb us', (t2 * 1000).toFixed(0), (2 * B * d * c / t2 / 1e6).toFixed(1), 'GF');
      await gm.dispose();
    }
    const gj = await createGemm({ smallProduct: 1e12 });
    let t = performance.now(); for (let i = 0; i < 50; i++) await gj.abt(x, w, B, d, c); const t1 = (performance.now() - t) / 50;
    t = performance.now(); for (let i = 0; i < 50; i++) await gj.atb(g, x, B, c, d); const t2 = (performance.now() - t) / 50;
    console.log(B, 'JS abt us', (t1 * 1000).toFixed(0), 'atb us', (t2 * 1000).toFixed(0));
  }
}
main();
