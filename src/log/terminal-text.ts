/**
 * Text from watched sites on its way to a terminal: the CLI's tables and JSON lines, and
 * the logs. A page's title, console output or error message can hold sequences a terminal
 * obeys — clear the screen, set the window title, hide a link's target (OSC 8), overwrite
 * the line (`\r`) — and bidi controls that make `exe.pdf` read as `fdp.exe`. Here each such
 * character becomes a visible stand-in: the text stays readable and shows that something
 * was there. Only output is changed; the stored result keeps what the page said.
 */

/** C0 controls, DEL and C1 controls (C1 CSI 0x9b acts like ESC [ on many terminals). */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Characters that reorder or redirect what follows without being seen: Arabic letter mark,
 * LRM/RLM, the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069), and
 * the line and paragraph separators some terminals and editors break lines at.
 */
const INVISIBLE_FORMAT = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\u202e`: the code point as a JavaScript/JSON escape, recognisable and copyable. */
function escapeCode(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Makes text safe to print: C0 controls and DEL become their Control Pictures (ESC → ␛,
 * BEL → ␇, a lone CR → ␍), C1 controls and invisible bidi/format characters their
 * `\uXXXX` escape. `line` (table cells) turns tabs and line breaks into spaces; `lines`
 * (log output, stack traces) keeps line breaks. A CR LF pair is a line break, not an attack.
 */
export function printable(text: string, mode: 'line' | 'lines' = 'line'): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(CONTROLS, (c) => {
      if (c === '\n') return mode === 'lines' ? '\n' : ' ';
      if (c === '\t') return ' ';
      const code = c.charCodeAt(0);
      if (code < 0x20) return String.fromCharCode(0x2400 + code);
      if (code === 0x7f) return '\u2421';
      return escapeCode(c);
    })
    .replace(INVISIBLE_FORMAT, escapeCode);
}

/**
 * Serialised JSON made safe to print, as the same JSON value: `JSON.stringify` already
 * escapes C0 controls, but writes DEL, C1 controls and bidi characters as they are. Outside
 * strings JSON text is ASCII, so every such character sits in a string, where its `\u`
 * escape means the same.
 */
export function escapeJsonText(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, escapeCode).replace(INVISIBLE_FORMAT, escapeCode);
}

/** `JSON.stringify` for a terminal: see {@link escapeJsonText}. */
export function terminalJson(value: object): string {
  return escapeJsonText(JSON.stringify(value));
}
