/**
 * Marks the untagged content of a PDF content stream as artifact. Chromium's tagged PDF
 * leaves some painting outside every marked-content sequence (the white page background,
 * rules between table rows); PDF/UA-1 (ISO 14289-1, 7.1) wants every mark on a page to be
 * either real content in the structure tree or an artifact, so that assistive technology
 * can tell what to read from what to skip. Only operators outside any marked content are
 * touched; what Chromium tagged stays as it is.
 */

/** Path construction starts a graphics object with one of these. */
const PATH_START = new Set(['m', 're']);
/** Operators that paint a path (and so leave a mark); `n` ends a path without one. */
const PATH_PAINT = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*']);
/** Operators that show text. */
const TEXT_SHOW = new Set(['Tj', 'TJ', "'", '"']);

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

interface Operation {
  /** The operator, e.g. `re`, `TJ`, `BDC`; `BI` stands for a whole inline image. */
  operator: string;
  /** Offset of the operation's first operand, or of the operator when it has none. */
  start: number;
  /** Offset just after the operator (after `EI` for an inline image). */
  end: number;
  /** The last operand, as written (`/Im1` for `Do`). */
  lastOperand: string | undefined;
}

/**
 * The operations of a content stream, read as latin1 so that offsets are byte offsets.
 * Strings, names, arrays and dictionaries are skipped as operands: a `(f)` in a text
 * string is not the fill operator.
 */
export function* operations(text: string): Generator<Operation> {
  let i = 0;
  let start = -1;
  let lastOperand: string | undefined;
  const n = text.length;
  const operand = (from: number, to: number): void => {
    if (start < 0) start = from;
    lastOperand = text.slice(from, to);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (WHITESPACE.has(c)) {
      i++;
    } else if (c === 0x25 /* % */) {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === 0x28 /* ( */) {
      const from = i;
      let depth = 0;
      for (; i < n; i++) {
        const s = text[i];
        if (s === '\\') i++;
        else if (s === '(') depth++;
        else if (s === ')' && --depth === 0) break;
      }
      i++;
      operand(from, i);
    } else if (c === 0x3c /* < */ && text[i + 1] !== '<') {
      const from = i;
      const close = text.indexOf('>', i);
      i = close < 0 ? n : close + 1;
      operand(from, i);
    } else if (c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) {
      // << >> [ ] { }: the structure of an operand; its parts are operands of their own.
      const width = (c === 0x3c || c === 0x3e) && text.charCodeAt(i + 1) === c ? 2 : 1;
      operand(i, i + width);
      i += width;
    } else {
      const from = i;
      i++;
      while (i < n && !WHITESPACE.has(text.charCodeAt(i)) && !DELIMITERS.has(text.charCodeAt(i))) {
        i++;
      }
      const token = text.slice(from, i);
      if (c === 0x2f /* / */ || NUMBER.test(token) || /^(?:true|false|null)$/.test(token)) {
        operand(from, i);
        continue;
      }
      if (token === 'BI') {
        i = inlineImageEnd(text, i);
        yield { operator: 'BI', start: from, end: i, lastOperand: undefined };
      } else {
        yield { operator: token, start: start < 0 ? from : start, end: i, lastOperand };
      }
      start = -1;
      lastOperand = undefined;
    }
  }
}

/**
 * The offset after the `EI` that ends an inline image whose `BI` ends at `from`. The image
 * data after `ID` is binary: `EI` counts only between whitespace.
 */
function inlineImageEnd(text: string, from: number): number {
  const data = /\sID\s/g;
  data.lastIndex = from;
  const id = data.exec(text);
  if (!id) return text.length;
  const end = /\sEI(?=\s|$)/g;
  end.lastIndex = id.index + id[0].length;
  const ei = end.exec(text);
  return ei ? ei.index + ei[0].length : text.length;
}

export interface ArtifactMarking {
  /** The content stream with every untagged mark inside `/Artifact BMC … EMC`. */
  content: string;
  /** How many graphics objects were marked. */
  marked: number;
}

/**
 * Wraps every graphics object painted outside marked content in `/Artifact BMC … EMC`:
 * a painted path from its first construction operator, a text-showing operator, a shading,
 * an inline image, and an XObject unless `taggedXObject` says that it carries structure of
 * its own (a form with `/StructParents`, whose content is marked inside it).
 */
export function markUntaggedContent(
  content: string,
  taggedXObject: (name: string) => boolean = () => false,
): ArtifactMarking {
  const cuts: [at: number, insert: string][] = [];
  let depth = 0;
  let pathStart: number | undefined;
  const wrap = (from: number, to: number): void => {
    cuts.push([from, '/Artifact BMC\n'], [to, '\nEMC']);
  };
  for (const op of operations(content)) {
    const { operator } = op;
    if (operator === 'BMC' || operator === 'BDC') depth++;
    else if (operator === 'EMC') depth = Math.max(0, depth - 1);
    else if (PATH_START.has(operator)) pathStart ??= op.start;
    else if (PATH_PAINT.has(operator) || operator === 'n') {
      if (depth === 0 && operator !== 'n') wrap(pathStart ?? op.start, op.end);
      pathStart = undefined;
    } else if (depth > 0) continue;
    else if (TEXT_SHOW.has(operator) || operator === 'sh' || operator === 'BI') {
      wrap(op.start, op.end);
    } else if (operator === 'Do' && !(op.lastOperand && taggedXObject(op.lastOperand.slice(1)))) {
      wrap(op.start, op.end);
    }
  }
  if (cuts.length === 0) return { content, marked: 0 };
  cuts.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [offset, insert] of cuts) {
    parts.push(content.slice(at, offset), insert);
    at = offset;
  }
  parts.push(content.slice(at));
  return { content: parts.join(''), marked: cuts.length / 2 };
}
