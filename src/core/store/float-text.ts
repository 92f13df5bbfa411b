/**
 * Shortest decimal text that reads back (as float32) to exactly the given float32.
 * Most activations need 7 to 9 significant digits; fewer-digit values come out of the
 * 7-digit try once trailing zeros are dropped. 9 digits always round-trip for float32.
 */
export function formatFloat32(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  for (let p = 7; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return trimZeros(s);
  }
  return trimZeros(v.toPrecision(9));
}

/** "1.2300000e-7" -> "1.23e-7", "0.5000000" -> "0.5". */
function trimZeros(s: string): string {
  const e = s.indexOf('e');
  let mantissa = e < 0 ? s : s.slice(0, e);
  if (mantissa.includes('.')) {
    let end = mantissa.length;
    while (mantissa.charCodeAt(end - 1) === 48) end--;
    if (mantissa.charCodeAt(end - 1) === 46) end--;
    mantissa = mantissa.slice(0, end);
  }
  return e < 0 ? mantissa : mantissa + s.slice(e);
}
