import { readdirSync, readFileSync } from 'node:fs';

/**
 * A process and all its descendants (Linux /proc), for memory figures of a browser
 * whose work is spread over many processes. Empty where /proc is not readable.
 */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command name (which may hold spaces) start after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
      } catch {
        // The process ended while we looked.
      }
    }
  } catch {
    return [];
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Sum of a `/proc/<pid>/<file>` field in kB over a process tree, in bytes. */
export function treeMemoryBytes(
  root: number,
  file: 'status' | 'smaps_rollup',
  field: 'VmRSS' | 'Pss',
): number {
  const pattern = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm');
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(pattern.exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb * 1024;
}
