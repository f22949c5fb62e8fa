import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where in a probe module an import failed: 1-based line, and column when known. */
export interface ModulePosition {
  line: number;
  column?: number;
}

/**
 * The line of a TypeScript probe file that made its import fail, so that the diagnostic
 * points there as it does for YAML. Node names it in the error's stack: a syntax error
 * (type stripping's or V8's) opens with `<file>:<line>`, the source line and a caret under
 * the spot; an error thrown while the module runs has a frame `<file URL>:<line>:<column>`.
 * Only positions in `file` itself count: a frame in a module it imports, or in Node, would
 * send the operator to the wrong file. The loader's cache-busting query (`?v=…`) may follow
 * the name.
 */
export function modulePosition(error: unknown, file: string): ModulePosition | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  const full = path.resolve(file);
  const names = [pathToFileURL(full).href, full].map(escapeRegExp).join('|');
  const lines = stack.split('\n');
  const header = new RegExp(`^(?:${names})(?:\\?[^:]*)?:(\\d+)$`).exec(lines[0] ?? '');
  if (header) {
    const line = Number(header[1]);
    // The caret line follows the source line: its first `^` is the column.
    const caret = lines.findIndex((l, i) => i > 1 && /^\s*\^/.test(l));
    return caret > 1 ? { line, column: (lines[caret] ?? '').indexOf('^') + 1 } : { line };
  }
  const frame = new RegExp(`(?:${names})(?:\\?[^:]*)?:(\\d+):(\\d+)\\)?$`, 'm').exec(stack);
  return frame ? { line: Number(frame[1]), column: Number(frame[2]) } : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
