/**
 * The documentation links to itself a lot (runbooks → deployment, cli → configuration …).
 * A renamed heading or moved file breaks such a link silently; readers land at the top of
 * a long page or on GitHub's 404. Every relative link and its #anchor must resolve.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');

/** Markdown files users read: the README, the changelog, docs/, and the READMEs of shipped folders. */
function markdownFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = path.join(dir, name);
      if (name === 'node_modules' || name.startsWith('.')) continue;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.md')) found.push(rel);
    }
  };
  walk('docs');
  for (const dir of ['probes', 'deploy', 'dashboards']) walk(dir);
  return ['README.md', 'CHANGELOG.md', ...found];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file, numbered as GitHub numbers repeated headings. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** `[text](target)` links outside code, with their line. */
function linksOf(text: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ target: m[1]!, line: i + 1 });
    }
  });
  return links;
}

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('`ozgwatch backup <file>`')).toBe('ozgwatch-backup-file');
    expect(slug('Faults of ozgwatch’s own world')).toBe('faults-of-ozgwatchs-own-world');
    expect(slug('Kind `media-breaks`')).toBe('kind-media-breaks');
  });

  it('every relative link and #anchor in README and docs resolves', () => {
    const files = markdownFiles();
    expect(files.length).toBeGreaterThan(20);
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const { target, line } of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
        const [pathPart = '', anchor] = target.split('#');
        const resolved = pathPart === '' ? file : path.join(path.dirname(file), pathPart);
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${file}:${line}: ${target} (no file ${resolved})`);
          continue;
        }
        if (anchor === undefined || !resolved.endsWith('.md')) continue;
        const anchors = anchorsOf(readFileSync(path.join(ROOT, resolved), 'utf8'));
        if (!anchors.has(decodeURIComponent(anchor))) {
          broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
