/**
 * Text from files (words, tokens, result fields, paths) reaches the terminal in messages; an
 * escape sequence in it could rewrite the screen or the window title. Control characters other
 * than newline and tab, DEL, C1 controls and bidirectional overrides are shown escaped instead.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
