/**
 * Classifies one PDF for accessibility, in a worker thread (see pdf.ts): the markers a
 * machine can check — text layer, tags, PDF/UA claim, language, title, form fields.
 * pdf.js (Mozilla's maintained parser) reads the file; nothing here parses PDF by hand.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PdfClass, PdfDocumentInfo } from '../../results/result.ts';

/** Pages whose content is examined for text and images; the rest only count. */
const PAGES_EXAMINED = 3;

async function classify(data: Uint8Array): Promise<Omit<PdfDocumentInfo, 'url' | 'bytes'>> {
  const loading = getDocument({
    data,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  const doc = await loading.promise;
  try {
    const meta = await doc.getMetadata();
    const info = meta.info as Record<string, unknown>;
    // pdf.js hands the MarkInfo dictionary over as a Map.
    const markInfo = (await doc.getMarkInfo()) as Map<string, unknown> | null;
    const marked = markInfo?.get('Marked') === true;
    const xmp = meta.metadata;
    const pdfuaPart = Number(xmp?.get('pdfuaid:part') ?? 0) || undefined;
    let textChars = 0;
    let images = 0;
    let structured = false;
    let widgets = 0;
    for (let i = 1; i <= Math.min(doc.numPages, PAGES_EXAMINED); i++) {
      const page = await doc.getPage(i);
      const text = await page.getTextContent();
      for (const item of text.items) if ('str' in item) textChars += item.str.trim().length;
      const ops = await page.getOperatorList();
      for (const fn of ops.fnArray)
        if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject) images++;
      // A page of a tagged file has a structure tree (pdf.js gives null without StructTreeRoot).
      const tree = await page.getStructTree().catch(() => null);
      if (tree) structured = true;
      for (const annotation of (await page.getAnnotations()) as { subtype?: string }[]) {
        if (annotation.subtype === 'Widget') widgets++;
      }
      page.cleanup();
    }
    const fields = (await doc.getFieldObjects()) ?? {};
    const formFields = Math.max(Object.keys(fields).length, widgets);
    const tagged = marked && structured;
    let cls: PdfClass;
    if (textChars === 0 && images > 0) cls = 'scanned';
    else if (tagged && pdfuaPart !== undefined) cls = 'pdfua';
    else if (tagged) cls = 'tagged';
    else cls = 'untagged';
    const title =
      (xmp?.get('dc:title') as string | null) ?? (typeof info.Title === 'string' ? info.Title : '');
    return {
      class: cls,
      pages: doc.numPages,
      tagged,
      ...(pdfuaPart !== undefined ? { pdfuaPart } : {}),
      ...(typeof info.Language === 'string' && info.Language ? { lang: info.Language } : {}),
      ...(title ? { title } : {}),
      formFields,
      textChars,
      images,
    };
  } finally {
    await doc.cleanup();
    await loading.destroy();
  }
}

const port = parentPort;
if (port) {
  classify(workerData as Uint8Array).then(
    (result) => port.postMessage({ ok: true, result }),
    (error: unknown) =>
      port.postMessage({
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
}
