import { isMap, isScalar, visit, type Document, type LineCounter, type YAMLError } from 'yaml';
import {
  contentColumn,
  firstColumn,
  keyOf,
  labelOf,
  levelsAround,
  openBracketBefore,
  rowOf,
  rowsOf,
  valueOf,
  type Rows,
} from './yaml-layout.ts';

/**
 * YAML syntax errors as a person can act on them: once per mistake, at the line that has
 * to change (not where the parser gave up), with what to do. Shared by probe files and
 * the daemon's config file.
 */
export interface YamlProblem {
  /** 1-based; absent when the library gave no position. */
  line?: number;
  column?: number;
  message: string;
}

interface Context {
  text: string;
  rows: Rows;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Found on the first duplicate key, for all of them. */
  duplicates?: Map<number, { key: string; first: number }>;
}

/**
 * Syntax errors explained per file, at most: after a broken bracket or quote the rest of a
 * file is mostly echoes, and each explanation reads the text around it.
 */
export const MAX_EXPLAINED = 50;

export function explainYamlErrors(
  text: string,
  doc: Document.Parsed,
  lines: LineCounter,
): YamlProblem[] {
  const context: Context = { text, rows: rowsOf(text), doc, lines };
  const problems: YamlProblem[] = [];
  const seenLines = new Set<number>();
  // An over-indented key makes the parser complain twice at the same spot: "nested
  // mappings…" and "implicit keys need to be on a single line"; the second one tells more.
  const multiline = new Set(
    doc.errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]),
  );
  let errors = doc.errors.filter(
    (e) => !(e.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.has(e.pos[0])),
  );
  // A tab in the indentation derails the parser for the rest of the file: every later line
  // comes back as "Unexpected scalar token", at positions a line off. Past the first tab
  // line nothing it says can be trusted, so the tab line is the last one reported.
  const tab = errors.find((e) => {
    const at = e.linePos?.[0];
    return at && (e.code === 'TAB_AS_INDENT' || /^ *\t/.test(rowOf(context.rows, at.line)));
  })?.linePos?.[0]?.line;
  if (tab !== undefined) {
    errors = errors.filter((e) => (e.linePos?.[0]?.line ?? Infinity) <= tab);
  }
  for (const error of errors.slice(0, MAX_EXPLAINED)) {
    const problem = explain(error, context);
    // The rest of a broken line is noise: report the first problem of each line.
    if (problem.line !== undefined) {
      if (seenLines.has(problem.line)) continue;
      seenLines.add(problem.line);
    }
    problems.push({ ...problem, message: `YAML syntax: ${problem.message}` });
  }
  if (errors.length > MAX_EXPLAINED) {
    problems.push({
      message: `YAML syntax: ${errors.length - MAX_EXPLAINED} more errors not shown; fix the ones above first`,
    });
  }
  return problems;
}

function explain(error: YAMLError, context: Context): YamlProblem {
  const at = error.linePos?.[0];
  const row = at ? rowOf(context.rows, at.line) : '';
  if (at && (error.code === 'TAB_AS_INDENT' || /^ *\t/.test(row))) {
    return {
      line: at.line,
      column: 1,
      message: `line ${at.line} is indented with a tab; YAML indents with spaces only`,
    };
  }
  switch (error.code) {
    case 'MULTILINE_IMPLICIT_KEY':
      return multilineKey(error, context) ?? libraryMessage(error);
    case 'BLOCK_AS_IMPLICIT_KEY':
      return colonInValue(error, context) ?? libraryMessage(error);
    case 'BLOCK_IN_FLOW':
      return missingComma(error, context) ?? libraryMessage(error);
    case 'BAD_INDENT':
      return unclosedBracket(error, context) ?? misaligned(error, context) ?? libraryMessage(error);
    case 'MISSING_CHAR':
      return (
        unclosedQuote(error, context) ?? unclosedBracket(error, context) ?? libraryMessage(error)
      );
    case 'DUPLICATE_KEY':
      return duplicateKey(error, context) ?? libraryMessage(error);
    case 'BAD_DQ_ESCAPE':
      return at
        ? { line: at.line, column: at.col, message: badEscape(error) }
        : libraryMessage(error);
    case 'MULTIPLE_DOCS':
      // The library's own advice ("use parseAllDocuments()") is for programmers.
      return {
        ...(at ? { line: at.line, column: at.col } : {}),
        message: `a file holds one YAML document: remove the "---" on line ${at?.line ?? '?'}, or move what follows into a file of its own`,
      };
    default:
      return libraryMessage(error);
  }
}

/** The library's first sentence, without its "at line 3, column 5:" (the position says it). */
function libraryMessage(error: YAMLError): YamlProblem {
  const at = error.linePos?.[0];
  const first = (error.message.split('\n')[0] ?? error.code).replace(
    / at line \d+, column \d+:?$/,
    '',
  );
  return { ...(at ? { line: at.line, column: at.col } : {}), message: first };
}

/**
 * A key that runs over two lines. Either a later line is indented deeper than the key
 * above it, and so continues that key's value (`url: …` then `    expect:`), or the first
 * line is no `key: value` at all (`name:Kfz`, a space missing after the colon).
 */
function multilineKey(error: YAMLError, { rows }: Context): YamlProblem | undefined {
  const [start, end] = error.linePos ?? [];
  if (!start) return undefined;
  const first = rowOf(rows, start.line);
  // `name:Kfz`, `every:5m`, `url:https://…`: a word right after the colon.
  const noSpace = /^(\s*(?:-\s+)*)([^\s:#'"{[]+):([\p{L}\p{N}].*)$/u.exec(first);
  if (noSpace && keyOf(first) === undefined) {
    return {
      line: start.line,
      column: noSpace[1]!.length + 1,
      message: `"${noSpace[2]}:${noSpace[3]}" needs a space after the colon: write "${noSpace[2]}: ${noSpace[3]}"`,
    };
  }
  const key = keyOf(first);
  if (key === undefined) return undefined;
  const last = end?.line ?? start.line;
  const column = contentColumn(first);
  for (let line = start.line + 1; line <= last; line++) {
    const row = rowOf(rows, line);
    if (row.trim() === '' || firstColumn(row) <= column) continue;
    return {
      line,
      column: firstColumn(row),
      message:
        `check the indentation of line ${line}: ${labelOf(row)} is indented deeper than "${key}:" on line ${start.line}, ` +
        `so YAML reads it as more of that value; start it in column ${column}, like ${labelOf(first)}`,
    };
  }
  return undefined;
}

/** `name: Kfz: Zulassung`: a value with ": " in it reads as a second key. */
function colonInValue(error: YAMLError, { rows }: Context): YamlProblem | undefined {
  const at = error.linePos?.[0];
  if (!at) return undefined;
  const row = rowOf(rows, at.line);
  const key = keyOf(row);
  const value = valueOf(row);
  const colon = value !== undefined && (value.includes(': ') || value.endsWith(':'));
  if (key === undefined || value === undefined || !colon) return undefined;
  const quoted = value.includes("'") ? JSON.stringify(value) : `'${value}'`;
  return {
    line: at.line,
    column: at.col,
    message: `the value of "${key}" holds a ":", which YAML reads as another key: put the value in quotes, ${key}: ${quoted}`,
  };
}

/** Items of one mapping or list that do not start in the same column. */
function misaligned(error: YAMLError, { rows }: Context): YamlProblem | undefined {
  const at = error.linePos?.[0];
  if (!at || !/must start at the same column/.test(error.message)) return undefined;
  const row = rowOf(rows, at.line);
  const column = firstColumn(row);
  const { left, right } = levelsAround(rows, at.line, column);
  const name = (l: { line: number; column: number }) =>
    `${labelOf(rowOf(rows, l.line), l.column)} (line ${l.line}, column ${l.column})`;
  const near = left ?? right;
  const where =
    left && right
      ? `, between ${name(left)} and ${name(right)}`
      : near
        ? `, while ${labelOf(rowOf(rows, near.line), near.column)} on line ${near.line} starts in column ${near.column}`
        : '';
  return {
    line: at.line,
    column,
    message: `check the indentation of line ${at.line}: ${labelOf(row, column)} starts in column ${column}${where}; items of one mapping or list start in the same column`,
  };
}

/** `{ service: kfz county: x }`: without the comma, `kfz county` reads as a key of its own. */
function missingComma(error: YAMLError, { text }: Context): YamlProblem | undefined {
  const at = error.linePos?.[0];
  if (!at || !/not allowed within flow collections/.test(error.message)) return undefined;
  const run = /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim() ?? '';
  return {
    line: at.line,
    column: at.col,
    message: `inside "{ }" and "[ ]" items are separated by commas, so ${JSON.stringify(run)} reads as one key: is a comma missing?`,
  };
}

/** `"text/html;\s*charset"`: in double quotes a backslash starts an escape, as in JSON. */
function badEscape(error: YAMLError): string {
  const sequence = /escape sequence (\S+)/.exec(error.message)?.[1] ?? 'with a backslash';
  return `${sequence} is no escape sequence inside "double quotes": write the value in 'single quotes' (a regular expression, a Windows path), or double the backslash`;
}

/** A `{` or `[` left open: the mistake is on the line that opened it, not where parsing stopped. */
function unclosedBracket(error: YAMLError, context: Context): YamlProblem | undefined {
  if (!/end with an? [}\]]|Missing , /.test(error.message)) return undefined;
  const offset = openBracketBefore(context.text, error.pos[0]);
  if (offset === undefined) return undefined;
  const open = context.lines.linePos(offset);
  const bracket = context.text[offset]!;
  const close = bracket === '{' ? '}' : ']';
  const what = bracket === '{' ? 'mapping' : 'list';
  return {
    line: open.line,
    column: open.col,
    message: `the "${bracket}" opened on line ${open.line} is not closed: end the ${what} with "${close}" on that line (or indent its next lines deeper)`,
  };
}

/** A quote never closed runs to the end of the file; the mistake is where it opened. */
function unclosedQuote(error: YAMLError, { doc, lines }: Context): YamlProblem | undefined {
  if (!/Missing closing .quote/.test(error.message)) return undefined;
  let opened: number | undefined;
  let quote = '"';
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[1] >= error.pos[0]) {
        opened = node.range[0];
        quote = node.type === 'QUOTE_DOUBLE' ? '"' : "'";
      }
    },
  });
  if (opened === undefined) return undefined;
  const at = lines.linePos(opened);
  return {
    line: at.line,
    column: at.col,
    message: `the quote ${quote} opened on line ${at.line} is not closed: end the value with ${quote} on that line`,
  };
}

/** The key written twice, with both lines: the later one would silently replace the first. */
function duplicateKey(error: YAMLError, context: Context): YamlProblem | undefined {
  context.duplicates ??= duplicatesOf(context.doc);
  const found = context.duplicates.get(error.pos[0]);
  if (!found) return undefined;
  const first = context.lines.linePos(found.first);
  const second = context.lines.linePos(error.pos[0]);
  return {
    line: second.line,
    column: second.col,
    message: `"${found.key}" is written twice in the same mapping (lines ${first.line} and ${second.line}); keep one`,
  };
}

/** Every repeated key of the document by its offset, with the offset of its first writing. */
function duplicatesOf(doc: Document.Parsed): Map<number, { key: string; first: number }> {
  const found = new Map<number, { key: string; first: number }>();
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Map<unknown, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const first = seen.get(pair.key.value);
        if (first === undefined) seen.set(pair.key.value, pair.key.range[0]);
        else found.set(pair.key.range[0], { key: String(pair.key.value), first });
      }
    },
  });
  return found;
}
