/**
 * Worker thread: classifies one Word (.docx, .doc) or OpenDocument text (.odt) file.
 * Run by `classifyDocument` with a heap and time limit. Reads only the few parts of the
 * package it needs, each bounded in inflated size, so a zip bomb ends as a finding.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { strFromU8, unzipSync, type Unzipped } from 'fflate';
import type { DocumentInfo } from '../../results/result.ts';

/** Inflated size up to which one part of a package is read. */
const PART_LIMIT = 32 * 2 ** 20;

type Classified = Omit<DocumentInfo, 'url' | 'bytes'>;

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const DOCX_PARTS = [
  'word/document.xml',
  'word/styles.xml',
  'docProps/core.xml',
  'docProps/app.xml',
];
const ODT_PARTS = ['mimetype', 'content.xml', 'meta.xml'];

export function classifyOffice(bytes: Uint8Array): Classified {
  if (OLE_MAGIC.every((b, i) => bytes[i] === b)) {
    // Word 97–2003: a compound file whose structure needs a Word parser; counted, listed,
    // and said to be unchecked rather than guessed.
    return { format: 'doc', ...empty('unchecked') };
  }
  const parts = readParts(bytes, [...DOCX_PARTS, ...ODT_PARTS]);
  if (parts['word/document.xml']) return docx(parts);
  if (
    parts['content.xml'] &&
    text(parts, 'mimetype').startsWith('application/vnd.oasis.opendocument.text')
  ) {
    return odt(parts);
  }
  throw new Error('not a Word or OpenDocument text file (no word/document.xml or content.xml)');
}

function empty(cls: DocumentInfo['class']): Omit<Classified, 'format'> {
  return { class: cls, pages: 0, tagged: false, formFields: 0, fonts: 0, images: 0 };
}

/** The named parts, each inflated only up to its declared size, which must be bounded. */
function readParts(bytes: Uint8Array, wanted: readonly string[]): Unzipped {
  const tooLarge: string[] = [];
  const parts = unzipSync(bytes, {
    filter: (file) => {
      if (!wanted.includes(file.name)) return false;
      if (file.originalSize > PART_LIMIT) tooLarge.push(file.name);
      return file.originalSize <= PART_LIMIT;
    },
  });
  if (tooLarge.length > 0) {
    throw new Error(
      `decompression bomb: ${tooLarge[0]} inflates to more than ${PART_LIMIT / 2 ** 20} MB`,
    );
  }
  return parts;
}

function text(parts: Unzipped, name: string): string {
  const data = parts[name];
  return data ? strFromU8(data) : '';
}

function count(xml: string, pattern: RegExp): number {
  return xml.match(pattern)?.length ?? 0;
}

function xmlText(fragment: string): string {
  return fragment
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(lt|gt|amp|quot|apos);/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  const value = m?.[1] ? xmlText(m[1]) : '';
  return value === '' ? undefined : value;
}

function classOf(words: number, images: number, headings: number, withoutAlt: number) {
  if (words === 0 && images > 0) return 'scanned' as const;
  if (headings > 0 && withoutAlt === 0) return 'tagged' as const;
  return 'untagged' as const;
}

/** Word 2007+: heading styles (English or German style ids) or outline levels, image alt text, form fields. */
function docx(parts: Unzipped): Classified {
  const body = text(parts, 'word/document.xml');
  const core = text(parts, 'docProps/core.xml');
  const styles = text(parts, 'word/styles.xml');
  const words = [...body.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1] ?? '')
    .join(' ')
    .trim().length;
  const headings =
    count(body, /<w:pStyle w:val="(?:Heading|berschrift|Title|Titel)\d*"/gi) +
    count(body, /<w:outlineLvl\b/g);
  const pictures = body.match(/<wp:docPr\b[^>]*>/g) ?? [];
  const withoutAlt = pictures.filter((p) => !/\sdescr="[^"]+"/.test(p)).length;
  const formFields =
    count(body, /<w:ffData>/g) +
    count(
      body,
      /<w:sdtPr>(?:(?!<\/w:sdtPr>)[\s\S])*?<(?:w:text|w14:checkbox|w:dropDownList|w:comboBox|w:date)\b/g,
    );
  const pages = Number(/<Pages>(\d+)<\/Pages>/.exec(text(parts, 'docProps/app.xml'))?.[1] ?? 0);
  const lang =
    element(core, 'dc:language') ??
    /<w:docDefaults>[\s\S]*?<w:lang w:val="([^"]+)"/.exec(styles)?.[1];
  const title = element(core, 'dc:title');
  const cls = classOf(words, pictures.length, headings, withoutAlt);
  return {
    format: 'docx',
    class: cls,
    pages,
    tagged: cls === 'tagged',
    ...(lang ? { lang } : {}),
    ...(title ? { title } : {}),
    formFields,
    fonts: 0,
    images: pictures.length,
    imagesWithoutAlt: withoutAlt,
    headings,
  };
}

/** OpenDocument text: `text:h` headings, frames with images and their title/description, form controls. */
function odt(parts: Unzipped): Classified {
  const content = text(parts, 'content.xml');
  const meta = text(parts, 'meta.xml');
  const body = /<office:text\b[\s\S]*<\/office:text>/.exec(content)?.[0] ?? '';
  const words = xmlText(body.replace(/<office:forms\b[\s\S]*?<\/office:forms>/g, '')).length;
  const headings = count(body, /<text:h\b/g);
  const frames = (body.match(/<draw:frame\b[\s\S]*?<\/draw:frame>/g) ?? []).filter((f) =>
    f.includes('<draw:image'),
  );
  const withoutAlt = frames.filter((f) => !/<svg:(title|desc)>[^<]+</.test(f)).length;
  const formFields = count(
    content,
    /<form:(?:text|textarea|checkbox|radio|listbox|combobox|date|number|formatted-text)\b/g,
  );
  const pages = Number(/meta:page-count="(\d+)"/.exec(meta)?.[1] ?? 0);
  const lang = element(meta, 'dc:language');
  const title = element(meta, 'dc:title');
  const cls = classOf(words, frames.length, headings, withoutAlt);
  return {
    format: 'odt',
    class: cls,
    pages,
    tagged: cls === 'tagged',
    ...(lang ? { lang } : {}),
    ...(title ? { title } : {}),
    formFields,
    fonts: 0,
    images: frames.length,
    imagesWithoutAlt: withoutAlt,
    headings,
  };
}

const port = parentPort;
if (port) {
  try {
    port.postMessage({ ok: true, result: classifyOffice(workerData as Uint8Array) });
  } catch (error) {
    port.postMessage({
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
