/**
 * Classifies one PDF for accessibility, in a worker thread (see pdf.ts): the markers a
 * machine can check (DOMAIN.md B1) — tags, PDF/UA claim, language, title, form fields,
 * and whether the first pages have fonts at all or only images (a scan); and the text of
 * the first page (pdf.js, through unpdf), which tells an application form from a leaflet. pdf-lib reads
 * the object structure, the XMP metadata only within a limit; every stream a library must
 * inflate whole is tried with zlib's limit first, so a decompression bomb has nothing to
 * detonate, and images are never decoded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import type { DocumentClass, DocumentInfo } from '../../results/result.ts';
import { unnamedFormFields } from './pdf-form-fields.ts';
import { pdfUaProblems } from './pdf-ua-checks.ts';
import { openPdfJs } from './pdfjs.ts';
import { pdfText } from './pdf-text.ts';
import { readXmp } from './pdf-xmp.ts';

/** Pages whose resources are examined for fonts and images; the rest only count. */
const PAGES_EXAMINED = 3;

/** Decoded size above which an object or cross-reference stream is taken for a bomb. */
const STRUCTURE_STREAM_LIMIT = 32 * 1024 * 1024;

/**
 * The first Flate stream whose dictionary passes `which` and that inflates beyond `limit`,
 * tried with zlib's output limit; undefined when there is none. A 1 MB stream can inflate
 * to 1 GB, and the libraries that read PDFs inflate whole streams before their size can be
 * seen.
 */
function oversizedStream(
  data: Uint8Array,
  which: (dictionary: string) => boolean,
  limit: number,
): string | undefined {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const text = bytes.toString('latin1');
  const keyword = /(?<!end)stream\r?\n/g;
  for (const match of text.matchAll(keyword)) {
    const start = match.index + match[0].length;
    const dictionary = text.slice(Math.max(0, match.index - 512), match.index);
    const own = dictionary.slice(dictionary.lastIndexOf('obj'));
    if (!which(own) || !/\/FlateDecode/.test(own)) continue;
    const end = text.indexOf('endstream', start);
    try {
      inflateSync(bytes.subarray(start, end < 0 ? bytes.length : end), { maxOutputLength: limit });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return own.trim();
      // Damaged data: the parser will say what is wrong with it.
    }
  }
  return undefined;
}

/**
 * pdf-lib inflates object streams and cross-reference streams whole while it loads a
 * file, with no limit. So before loading, each of those is inflated once with zlib's
 * output limit.
 */
function assertNoStructureBomb(data: Uint8Array): void {
  const bomb = oversizedStream(
    data,
    (d) => /\/Type\s*\/(ObjStm|XRef)\b/.test(d),
    STRUCTURE_STREAM_LIMIT,
  );
  if (bomb !== undefined) {
    throw new Error(
      `decompression bomb: a structure stream inflates to more than ${STRUCTURE_STREAM_LIMIT / 2 ** 20} MB`,
    );
  }
}

/** Pages whose content is read for the PDF/UA machine checks of a file that claims PDF/UA. */
const PDFUA_CONTENT_PAGES = 10;
/** Problems of a failed PDF/UA claim kept in the result: enough to say what is wrong. */
const PDFUA_PROBLEMS_KEPT = 10;

/** Text of the first page above this is not needed to tell a form from a leaflet. */
const FIRST_PAGE_TEXT = 2000;
/** Page contents and fonts larger than this when inflated are not read for text. */
const TEXT_STREAM_LIMIT = 16 * 1024 * 1024;

/**
 * The text of the first page, with pdf.js, for telling an application form ("Antrag auf
 * …", "Ort, Datum, Unterschrift") from a leaflet. pdf.js inflates page contents and fonts
 * whole: only called when every non-image stream passed zlib's limit (`contentReadable`).
 * Images are never decoded.
 */
async function firstPageText(data: Uint8Array): Promise<string | undefined> {
  const pdf = await openPdfJs(data);
  try {
    const content = await (await pdf.getPage(1)).getTextContent();
    const text = content.items
      .map((item) => ('str' in item ? item.str : ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text.slice(0, FIRST_PAGE_TEXT);
  } finally {
    await pdf.loadingTask.destroy();
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

  const xmp = readXmp(catalog.lookup(PDFName.of('Metadata')));
  const pdfuaPart = Number(/pdfuaid:part(?:>|=")\s*(\d)/.exec(xmp)?.[1] ?? 0) || undefined;
  const xmpTitle = /<dc:title>[\s\S]*?<rdf:li[^>]*>([^<]+)<\/rdf:li>/.exec(xmp)?.[1]?.trim();
  const title = xmpTitle ?? doc.getTitle() ?? '';
  const lang = pdfText(catalog.get(PDFName.of('Lang'))) ?? '';

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
  // pdf.js inflates page contents and fonts whole: a file with a stream larger than the
  // limit gives no text and no content checks rather than a memory blow-up.
  let readable: boolean | undefined;
  const contentReadable = (): boolean =>
    (readable ??= !oversizedStream(
      data,
      (d) => !/\/Subtype\s*\/Image\b/.test(d),
      TEXT_STREAM_LIMIT,
    ));
  const scanned = fonts === 0 && images > 0;
  // The class says what the file claims; whether the claim holds up is the machine checks'
  // answer, kept beside it (DOMAIN.md B1: "PDF/UA-claimed and passing machine checks").
  let pdfuaProblems: string[] | undefined;
  if (!scanned && tagged && pdfuaPart !== undefined) {
    pdfuaProblems = contentReadable()
      ? await pdfUaProblems(doc, data, { contentPages: PDFUA_CONTENT_PAGES }).catch(
          (error: unknown) => [`7.1: the file could not be checked: ${String(error)}`],
        )
      : [
          `7.1: page content not checked, a stream inflates beyond ${TEXT_STREAM_LIMIT / 2 ** 20} MB`,
        ];
  }
  const formFields = doc.getForm().getFields().length;
  let cls: DocumentClass;
  if (scanned) cls = 'scanned';
  else if (tagged && pdfuaPart !== undefined) cls = 'pdfua';
  else if (tagged) cls = 'tagged';
  else cls = 'untagged';
  // A scan has no text to read; text that cannot be read leaves the field out.
  const text =
    cls === 'scanned' || !contentReadable()
      ? undefined
      : await firstPageText(data).catch(() => undefined);
  return {
    class: cls,
    pages: doc.getPageCount(),
    tagged,
    ...(pdfuaPart !== undefined ? { pdfuaPart } : {}),
    ...(pdfuaProblems ? { pdfuaProblems: pdfuaProblems.slice(0, PDFUA_PROBLEMS_KEPT) } : {}),
    ...(lang ? { lang } : {}),
    ...(title ? { title } : {}),
    formFields,
    ...(formFields > 0 ? { formFieldsUnnamed: unnamedFormFields(doc).length } : {}),
    fonts,
    images,
    ...(text ? { firstPageText: text } : {}),
  };
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
