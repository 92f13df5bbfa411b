/**
 * Offset of the first JSON syntax error in `text`, or -1. Node 20's JSON.parse messages carry
 * no position for many errors (e.g. a trailing comma), and users need the line to fix the file.
 */
export function jsonErrorOffset(text: string): number {
  let at = 0;
  const ws = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) at++;
  };
  const fail = () => {
    throw at;
  };
  const expect = (c: string) => {
    ws();
    if (text[at] !== c) fail();
    at++;
  };
  const string = () => {
    expect('"');
    while (at < text.length && text[at] !== '"') {
      if (text.charCodeAt(at) < 0x20) fail();
      at += text[at] === '\\' ? 2 : 1;
    }
    if (at >= text.length) fail();
    at++;
  };
  const value = (): void => {
    ws();
    const c = text[at];
    if (c === '{') return members('}', () => (string(), expect(':'), value()));
    if (c === '[') return members(']', value);
    if (c === '"') return string();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 400));
    if (!m) fail();
    at += m![0].length;
  };
  const members = (close: string, item: () => void) => {
    at++;
    ws();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      ws();
      if (text[at] === ',') {
        at++;
        continue;
      }
      return expect(close);
    }
  };
  try {
    value();
    ws();
    return at < text.length ? at : -1;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}
