import { Worker } from 'node:worker_threads';
import type { PdfDocumentInfo } from '../../results/result.ts';

export interface PdfLimits {
  /** Heap of the worker that parses (a decompression bomb hits this, not the daemon). @default 256 */
  memoryMb: number;
  /** Parsing time. @default 20 s */
  timeoutMs: number;
}

const CLASSIFIER = new URL('./pdf-classify.ts', import.meta.url);

/**
 * Classifies a PDF in a worker thread with its own heap limit and a time limit, so that
 * a broken, encrypted or malicious file ends as a finding (`broken`, with the reason),
 * never as a crash or a memory blow-up of the daemon.
 */
export function classifyPdf(
  url: string,
  bytes: Uint8Array,
  limits: PdfLimits = { memoryMb: 256, timeoutMs: 20_000 },
): Promise<PdfDocumentInfo> {
  const broken = (error: string): PdfDocumentInfo => ({
    url,
    bytes: bytes.byteLength,
    class: 'broken',
    pages: 0,
    tagged: false,
    formFields: 0,
    fonts: 0,
    images: 0,
    error,
  });
  if (!isPdf(bytes)) return Promise.resolve(broken('not a PDF (no %PDF- header)'));
  return new Promise((resolve) => {
    const worker = new Worker(CLASSIFIER, {
      workerData: bytes,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const done = (info: PdfDocumentInfo): void => {
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
          | { ok: true; result: Omit<PdfDocumentInfo, 'url' | 'bytes'> }
          | { ok: false; error: string },
      ) => {
        done(
          message.ok ? { url, bytes: bytes.byteLength, ...message.result } : broken(message.error),
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

function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  return head.includes('%PDF-');
}
