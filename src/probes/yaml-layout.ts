/**
 * The layout of a YAML file as a person sees it in an editor: lines, the columns where keys
 * and list items start, brackets left open. The `yaml` library reports where its parser
 * gave up; these helpers find the line the person has to change.
 */

/** The lines of a file, 1-based through {@link rowOf}. */
export type Rows = readonly string[];

export function rowsOf(text: string): Rows {
  return text.split(/\r?\n/);
}

export function rowOf(rows: Rows, line: number): string {
  return rows[line - 1] ?? '';
}

/** Blank and comment-only lines do not take part in indentation. */
export function isContent(row: string): boolean {
  const trimmed = row.trim();
  return trimmed !== '' && !trimmed.startsWith('#');
}

/** 1-based column of the first character that is not a space (or a tab). */
export function firstColumn(row: string): number {
  return row.length - row.trimStart().length + 1;
}

/**
 * The columns at which nodes start on a line: every `- ` of a list item, then the key or
 * value after it. `  - id: x` starts nodes at columns 3 and 5.
 */
export function nodeColumns(row: string): number[] {
  const columns: number[] = [];
  let i = firstColumn(row) - 1;
  while (row[i] === '-' && (row[i + 1] === ' ' || i + 1 === row.length)) {
    columns.push(i + 1);
    i += 1;
    while (row[i] === ' ') i += 1;
  }
  if (i < row.length) columns.push(i + 1);
  return columns;
}

/** The column of the key or value of a line, after any `- `. */
export function contentColumn(row: string): number {
  return nodeColumns(row).at(-1) ?? firstColumn(row);
}

const KEY = /^\s*(?:-\s+)*([^\s#'"{[\]},:][^:#]*?|"[^"]*"|'[^']*'):(?:\s|$)/;

/** The key a line starts with (`url` of `  url: https://…`), if it starts with one. */
export function keyOf(row: string): string | undefined {
  return KEY.exec(row)?.[1]?.trim();
}

/** The value after a line's key, as written (`Kfz: Zulassung` of `name: Kfz: Zulassung`). */
export function valueOf(row: string): string | undefined {
  const match = KEY.exec(row);
  return match ? row.slice(match[0].length).trim() : undefined;
}

/**
 * How a line is named in a message: its key with the colon, or its first characters; with
 * the `- ` in front when `column` is that of the list item rather than of its key.
 */
export function labelOf(row: string, column = contentColumn(row)): string {
  if (row.trimStart().startsWith('#')) return 'the comment';
  const dash = row[column - 1] === '-' ? '- ' : '';
  const key = keyOf(row);
  if (key !== undefined) return `"${dash}${key}:"`;
  const text = row.trim().replace(/^(-\s+)+/, '');
  return JSON.stringify(`${dash}${text.length > 30 ? `${text.slice(0, 30)}…` : text}`);
}

/**
 * The nearest levels of indentation above `line` on either side of `column`: the line
 * whose node starts left of it (its parent, as written) and the nearest one that starts
 * right of it before that (what it was probably meant to line up with).
 */
export function levelsAround(
  rows: Rows,
  line: number,
  column: number,
): { left?: { line: number; column: number }; right?: { line: number; column: number } } {
  let right: { line: number; column: number } | undefined;
  for (let n = line - 1; n >= 1; n--) {
    const row = rowOf(rows, n);
    if (!isContent(row)) continue;
    const columns = nodeColumns(row);
    const before = columns.filter((c) => c < column);
    const after = columns.filter((c) => c > column);
    if (after.length > 0 && (!right || Math.min(...after) < right.column)) {
      right = { line: n, column: Math.min(...after) };
    }
    if (before.length > 0) return { left: { line: n, column: Math.max(...before) }, right };
  }
  return { right };
}

/**
 * The bracket (`{` or `[`) still open at `offset`, read backwards: where a flow mapping or
 * list began that the parser found unfinished. Brackets inside quotes are skipped.
 */
export function openBracketBefore(text: string, offset: number): number | undefined {
  let depth = 0;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      // Skip back over a quoted string on the same line; an unmatched quote is taken as text.
      const start = text.lastIndexOf(ch, i - 1);
      const lineStart = text.lastIndexOf('\n', i - 1);
      if (start > lineStart) i = start;
    } else if (ch === '}' || ch === ']') {
      depth += 1;
    } else if (ch === '{' || ch === '[') {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return undefined;
}
