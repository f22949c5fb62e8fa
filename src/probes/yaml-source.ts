import { isMap, type Document, type LineCounter } from 'yaml';

/** A parsed YAML file with what it takes to turn a data path back into a line and column. */
export interface YamlSource {
  /** Path of the file as diagnostics name it. */
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * Line and column of the deepest YAML node that exists on the way to `path`: a value that
 * came from elsewhere (defaults) or is missing points at its nearest written ancestor. For
 * a mapping entry it is the key, not the value: that is where a person looks, and a value
 * that is itself a mapping starts on a later line.
 */
export function positionOf(
  source: Pick<YamlSource, 'doc' | 'lines'>,
  path: readonly (string | number)[],
): Position | undefined {
  for (let n = path.length; n >= 0; n--) {
    const at = path.slice(0, n);
    const node: unknown = source.doc.getIn(at, true);
    if (hasRange(node)) {
      const pos = source.lines.linePos(keyOffset(source.doc, at) ?? node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

function keyOffset(doc: Document.Parsed, at: readonly (string | number)[]): number | undefined {
  if (at.length === 0) return undefined;
  const parent = doc.getIn(at.slice(0, -1), true);
  const last = at[at.length - 1];
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => {
    const key: unknown = p.key;
    return (isScalarLike(key) ? key.value : key) === last;
  });
  const key: unknown = pair?.key;
  return isScalarLike(key) && key.range ? key.range[0] : undefined;
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range);
}

function isScalarLike(node: unknown): node is { value: unknown; range?: [number, number, number] } {
  return typeof node === 'object' && node !== null && 'value' in node;
}
