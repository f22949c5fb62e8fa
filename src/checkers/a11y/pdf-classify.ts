/**
 * Classifies one PDF for accessibility, in a worker thread (see pdf.ts): the markers a
 * machine can check (DOMAIN.md B1) — tags, PDF/UA claim, language, title, form fields,
 * and whether the first pages have fonts at all or only images (a scan). pdf-lib reads
 * the object structure; content streams are never decompressed, and the XMP metadata
 * only when it is small, so a decompression bomb has nothing to detonate.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
} from 'pdf-lib';
import type { PdfClass, PdfDocumentInfo } from '../../results/result.ts';

/** Pages whose resources are examined for fonts and images; the rest only count. */
const PAGES_EXAMINED = 3;
/** XMP metadata larger than this (decoded or not) is not read. */
const XMP_LIMIT = 1024 * 1024;

async function classify(data: Uint8Array): Promise<Omit<PdfDocumentInfo, 'url' | 'bytes'>> {
  const doc = await PDFDocument.load(data, { updateMetadata: false, throwOnInvalidObject: true });
  const catalog = doc.catalog;
  const marked = catalog
    .lookupMaybe(PDFName.of('MarkInfo'), PDFDict)
    ?.lookupMaybe(PDFName.of('Marked'), PDFBool);
  const root = catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  const kids = root?.get(PDFName.of('K'));
  const structured = kids !== undefined && !(kids instanceof PDFArray && kids.size() === 0);
  const tagged = marked?.asBoolean() === true && structured;

  const metadata = catalog.lookup(PDFName.of('Metadata'));
  const xmp = readXmp(metadata instanceof PDFRawStream ? metadata : undefined);
  const pdfuaPart = Number(/pdfuaid:part(?:>|=")\s*(\d)/.exec(xmp)?.[1] ?? 0) || undefined;
  const xmpTitle = /<dc:title>[\s\S]*?<rdf:li[^>]*>([^<]+)<\/rdf:li>/.exec(xmp)?.[1]?.trim();
  const title = xmpTitle ?? doc.getTitle() ?? '';
  const langObject = catalog.get(PDFName.of('Lang'));
  const lang =
    langObject instanceof PDFString || langObject instanceof PDFHexString
      ? langObject.decodeText()
      : '';

  let fonts = 0;
  let images = 0;
  for (const page of doc.getPages().slice(0, PAGES_EXAMINED)) {
    const resources = page.node.Resources();
    fonts += resources?.lookupMaybe(PDFName.of('Font'), PDFDict)?.keys().length ?? 0;
    const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    for (const key of xobjects?.keys() ?? []) {
      const xobject = xobjects?.lookup(key);
      if (
        xobject instanceof PDFRawStream &&
        xobject.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')
      ) {
        images++;
      }
    }
  }
  let cls: PdfClass;
  if (fonts === 0 && images > 0) cls = 'scanned';
  else if (tagged && pdfuaPart !== undefined) cls = 'pdfua';
  else if (tagged) cls = 'tagged';
  else cls = 'untagged';
  return {
    class: cls,
    pages: doc.getPageCount(),
    tagged,
    ...(pdfuaPart !== undefined ? { pdfuaPart } : {}),
    ...(lang ? { lang } : {}),
    ...(title ? { title } : {}),
    formFields: doc.getForm().getFields().length,
    fonts,
    images,
  };
}

function readXmp(stream: PDFRawStream | undefined): string {
  if (!stream || stream.getContentsSize() > XMP_LIMIT) return '';
  const decoded = decodePDFRawStream(stream).decode();
  return decoded.byteLength > XMP_LIMIT ? '' : new TextDecoder().decode(decoded);
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
