/**
 * Classifies one PDF for accessibility, in a worker thread (see pdf.ts): the markers a
 * machine can check (DOMAIN.md B1) — tags, PDF/UA claim, language, title, form fields,
 * and whether the first pages have fonts at all or only images (a scan). pdf-lib reads
 * the object structure; content streams are never decompressed, the XMP metadata only
 * within a limit, and the object streams pdf-lib must inflate are tried with a limit
 * first, so a decompression bomb has nothing to detonate.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
} from 'pdf-lib';
import type { DocumentClass, DocumentInfo } from '../../results/result.ts';

/** Pages whose resources are examined for fonts and images; the rest only count. */
const PAGES_EXAMINED = 3;
/** XMP metadata larger than this (decoded or not) is not read. */
const XMP_LIMIT = 1024 * 1024;

/** Decoded size above which an object or cross-reference stream is taken for a bomb. */
const STRUCTURE_STREAM_LIMIT = 32 * 1024 * 1024;

/**
 * pdf-lib inflates object streams and cross-reference streams whole while it loads a
 * file, with no limit, and a 1 MB stream can inflate to 1 GB. So before loading, each of
 * those streams is inflated once with zlib's output limit. Only streams whose
 * dictionary names /ObjStm or /XRef are tried: images and page contents are never
 * decoded, so they cannot detonate.
 */
function assertNoStructureBomb(data: Uint8Array): void {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const text = bytes.toString('latin1');
  const keyword = /(?<!end)stream\r?\n/g;
  for (const match of text.matchAll(keyword)) {
    const start = match.index + match[0].length;
    const dictionary = text.slice(Math.max(0, match.index - 512), match.index);
    const opened = dictionary.lastIndexOf('obj');
    if (!/\/Type\s*\/(ObjStm|XRef)\b/.test(dictionary.slice(opened))) continue;
    if (!/\/FlateDecode/.test(dictionary.slice(opened))) continue;
    const end = text.indexOf('endstream', start);
    try {
      inflateSync(bytes.subarray(start, end < 0 ? bytes.length : end), {
        maxOutputLength: STRUCTURE_STREAM_LIMIT,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new Error(
          `decompression bomb: a structure stream inflates to more than ${STRUCTURE_STREAM_LIMIT / 2 ** 20} MB`,
          { cause: error },
        );
      }
      // Damaged data: pdf-lib will say what is wrong with it.
    }
  }
}

async function classify(data: Uint8Array): Promise<Omit<DocumentInfo, 'url' | 'bytes'>> {
  assertNoStructureBomb(data);
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
  let cls: DocumentClass;
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

/**
 * The XMP packet as text, or '' when it cannot be read within the limit. Decoded with
 * zlib's own output limit: pdf-lib's decoder inflates a stream whole before its size can
 * be seen, and a 1 MB metadata stream can inflate to 1 GB.
 */
function readXmp(stream: PDFRawStream | undefined): string {
  if (!stream || stream.getContentsSize() > XMP_LIMIT) return '';
  const filter = stream.dict.get(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  let decoded: Uint8Array;
  if (filters.length === 0) decoded = stream.getContents();
  else if (filters.length === 1 && filters[0] === PDFName.of('FlateDecode')) {
    try {
      decoded = inflateSync(stream.getContents(), { maxOutputLength: XMP_LIMIT });
    } catch {
      return ''; // larger than the limit, or not a valid stream
    }
  } else return '';
  return new TextDecoder().decode(decoded);
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
