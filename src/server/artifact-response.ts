/**
 * `/runs/:id/artifacts/:name`: the evidence files of a run. All of them came from a
 * watched site, so none may act as a page of the daemon's origin.
 */
import type { ServerResponse } from 'node:http';
import type { Artifact, Result } from '../results/result.ts';
import type { ArtifactStore } from '../runner/artifacts.ts';
import { openInside, sendFile } from './files.ts';
import { BASE_HEADERS, sendJson } from './respond.ts';

/**
 * The HTML snapshot of a failed page is shown, not only downloaded: opened from a
 * download it would run the site's scripts on the viewer's machine. Here it is a sandbox
 * of its own (an opaque origin: nothing of the daemon's), runs no script, loads nothing
 * (no image, font or stylesheet from the site, so the site does not learn who looked),
 * submits no form and follows no `<meta refresh>`; its inline styles keep its layout.
 */
export const SNAPSHOT_CSP =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
/** Screenshots, traces, downloads, reports of a tool: shown or saved, never run. */
const FILE_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** How each kind of evidence is answered: shown in the browser, or saved. */
function presentation(kind: Artifact['kind']): {
  type: string;
  disposition: 'inline' | 'attachment';
  csp: string;
} {
  if (kind === 'screenshot') return { type: 'image/png', disposition: 'inline', csp: FILE_CSP };
  if (kind === 'html')
    return { type: 'text/html; charset=utf-8', disposition: 'inline', csp: SNAPSHOT_CSP };
  return { type: 'application/octet-stream', disposition: 'attachment', csp: FILE_CSP };
}

export async function sendArtifact(
  res: ServerResponse,
  result: Result,
  name: string,
  artifacts: ArtifactStore | undefined,
  head: boolean,
): Promise<void> {
  // Only files the result names are served: nothing else under the data folder.
  const artifact = result.artifacts?.find((a) => a.name === name);
  const path = artifact && artifacts?.file(result.probeId, result.runId, name);
  const file = path ? await openInside(artifacts!.root, path) : undefined;
  if (!artifact || !file) return sendJson(res, 404, { error: 'no such artifact' });
  const { type, disposition, csp } = presentation(artifact.kind);
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': type,
    'content-length': String(file.size),
    // Names are `[a-z0-9._-]` (ArtifactStore writes no other), so the quoted form is exact.
    'content-disposition': `${disposition}; filename="${name}"`,
    'content-security-policy': csp,
    'cache-control': 'private, max-age=3600',
  });
  sendFile(res, file, head);
}
