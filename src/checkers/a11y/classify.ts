import { Worker } from 'node:worker_threads';
import type { DocumentFormat, DocumentInfo } from '../../results/result.ts';

export interface ClassifyLimits {
  /** Heap of the worker that parses (a decompression bomb hits this, not the daemon). @default 256 */
  memoryMb: number;
  /** Parsing time. @default 20 s */
  timeoutMs: number;
}

const CLASSIFIERS = {
  pdf: new URL('./pdf-classify.ts', import.meta.url),
  office: new URL('./office-classify.ts', import.meta.url),
};

/** The format a link promises by its name; what the bytes say wins once they arrive. */
export function formatOfUrl(url: string): DocumentFormat {
  const ext = /\.(pdf|docx|doc|odt)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return (ext as DocumentFormat | undefined) ?? 'pdf';
}

/** A document that could not be read, and why. */
export function brokenDocument(
  url: string,
  bytes: number,
  error: string,
  format = formatOfUrl(url),
): DocumentInfo {
  return {
    url,
    format,
    bytes,
    class: 'broken',
    pages: 0,
    tagged: false,
    formFields: 0,
    fonts: 0,
    images: 0,
    error,
  };
}

/**
 * Classifies a downloaded document — PDF, Word or OpenDocument, told by its first bytes —
 * in a worker thread with its own heap limit and a time limit, so that a broken,
 * encrypted or malicious file ends as a finding (`broken`, with the reason), never as a
 * crash or a memory blow-up of the daemon.
 */
export function classifyDocument(
  url: string,
  bytes: Uint8Array,
  limits: ClassifyLimits = { memoryMb: 256, timeoutMs: 20_000 },
): Promise<DocumentInfo> {
  const kind = isPdf(bytes) ? 'pdf' : isPackage(bytes) ? 'office' : undefined;
  const broken = (error: string): DocumentInfo =>
    brokenDocument(url, bytes.byteLength, error, kind === 'pdf' ? 'pdf' : formatOfUrl(url));
  if (!kind) {
    return Promise.resolve(
      broken('not a PDF, Word or OpenDocument file (no %PDF- header, zip or compound file)'),
    );
  }
  return new Promise((resolve) => {
    const worker = new Worker(CLASSIFIERS[kind], {
      workerData: bytes,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const done = (info: DocumentInfo): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(info);
    };
    const timer = setTimeout(
      () => done(broken(`parsing took longer than ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    worker.once(
      'message',
      (
        message:
          { ok: true; result: Omit<DocumentInfo, 'url' | 'bytes'> } | { ok: false; error: string },
      ) => {
        done(
          message.ok
            ? { url, format: 'pdf', bytes: bytes.byteLength, ...message.result }
            : broken(message.error),
        );
      },
    );
    worker.once('error', (error: Error) => {
      const memory = /memory|heap/i.test(error.message);
      done(
        broken(
          memory ? `memory limit of ${limits.memoryMb} MB reached while parsing` : error.message,
        ),
      );
    });
    worker.once('exit', (code) => done(broken(`parser exited with code ${code}`)));
  });
}

/** A zip package (docx, odt) or an OLE compound file (doc). */
function isPackage(bytes: Uint8Array): boolean {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const ole = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  return zip || ole;
}

function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  return head.includes('%PDF-');
}
