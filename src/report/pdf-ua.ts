/**
 * Turns the tagged PDF that Chromium prints from the report into one that meets the
 * machine-checkable requirements of PDF/UA-1 (ISO 14289-1) and says so. Chromium already
 * writes the structure tree, the language, the title with DisplayDocTitle, table header
 * scopes and the text alternatives of the charts; it leaves five gaps, closed here:
 *
 * - painting outside any marked content (page backgrounds, table rules) becomes artifact;
 * - an HTML `<figure>` becomes a Figure element with no alternative text around the chart's
 *   own Figure: it is a grouping, so it becomes `Div`;
 * - link annotations get the link's text as their alternative description (`/Contents`);
 * - structure types that PDF 2.0 added (Chromium writes `Strong` for `<strong>`) are
 *   role-mapped to the PDF 1.7 types that PDF/UA-1 knows;
 * - XMP metadata with `dc:title`, `dc:language` and the PDF/UA identification.
 *
 * Conformance needs a person's review too (reading order, meaningful alternatives); what a
 * machine can check, test/report/pdf-ua.test.ts checks.
 */
import { deflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFRef,
  ParseSpeeds,
  decodePDFRawStream,
  type PDFObject,
} from 'pdf-lib';
import { pdfText as text } from '../checkers/a11y/pdf-text.ts';
import { VERSION } from '../version.ts';
import { markUntaggedContent } from './pdf-artifacts.ts';

export interface PdfUaInput {
  /**
   * The text of each link in the printed page by its `href` (`#summary` →
   * "Zusammenfassung"): a link annotation's alternative description.
   */
  linkTexts: ReadonlyMap<string, string>;
}

/** Makes Chromium's tagged PDF of the report a PDF/UA-1 file (see the module comment). */
export async function makePdfUa(pdf: Uint8Array, input: PdfUaInput): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, {
    updateMetadata: false,
    parseSpeed: ParseSpeeds.Fastest,
  });
  const title = doc.getTitle();
  const lang = text(doc.catalog.get(PDFName.of('Lang')));
  // Both come from the report's own HTML (<title>, lang): a gap here is a bug of ozgwatch.
  if (!title || !lang) throw new Error('the printed report has no title or no language');
  markArtifacts(doc);
  regroupFigures(doc);
  mapNewStructureTypes(doc);
  describeLinks(doc, input.linkTexts);
  const metadata = doc.context.stream(new TextEncoder().encode(xmp(doc, title, lang)), {
    Type: 'Metadata',
    Subtype: 'XML',
  });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(metadata));
  // pdf-lib yields to the event loop every 50 objects by default (and its parser every
  // 100): about a second of waiting for a report of 200 services, on the report's worker
  // thread, which has nothing else to do. Object streams make that PDF 3 MB instead of 13.
  return doc.save({ objectsPerTick: Number.POSITIVE_INFINITY });
}

/** A content stream compressed with Node's native zlib rather than pdf-lib's JavaScript deflate. */
function flateStream(doc: PDFDocument, content: string): PDFRawStream {
  return doc.context.stream(deflateSync(Buffer.from(content, 'latin1')), {
    Filter: 'FlateDecode',
  });
}

function decode(stream: PDFObject | undefined): string {
  if (!(stream instanceof PDFRawStream)) return '';
  return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
}

/**
 * Rewrites every page's content, and the content of every tagged form it paints, with
 * untagged marks as artifacts. A form without `/StructParents` painted outside marked
 * content is an artifact as a whole.
 */
function markArtifacts(doc: PDFDocument): void {
  const { context } = doc;
  const done = new Set<PDFRef>();
  const rewrite = (resources: PDFDict | undefined, content: string): string => {
    const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    const tagged = (name: string): boolean => {
      const ref = xobjects?.get(PDFName.of(name));
      const form = xobjects?.lookup(PDFName.of(name));
      if (!(form instanceof PDFRawStream) || !form.dict.has(PDFName.of('StructParents'))) {
        return false;
      }
      if (ref instanceof PDFRef && !done.has(ref)) {
        done.add(ref);
        const own = form.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources;
        const stream = flateStream(doc, rewrite(own, decode(form)));
        const encoding = ['Length', 'Filter', 'DecodeParms'].map((key) => PDFName.of(key));
        for (const [key, value] of form.dict.entries()) {
          if (!encoding.includes(key)) stream.dict.set(key, value);
        }
        context.assign(ref, stream);
      }
      return true;
    };
    return markUntaggedContent(content, tagged).content;
  };
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
    const content = streams.map((s) => decode(s ? context.lookup(s) : undefined)).join('\n');
    const stream = flateStream(doc, rewrite(page.node.Resources(), content));
    page.node.set(PDFName.of('Contents'), context.register(stream));
  }
}

/**
 * Chromium tags an HTML `<figure>` as a Figure element, with the chart (an image with its
 * text alternative) and the caption inside. PDF/UA wants a text alternative on every
 * Figure; this one is only a grouping, so it becomes a `Div`.
 */
function regroupFigures(doc: PDFDocument): void {
  const { context } = doc;
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  const FIGURE = PDFName.of('Figure');
  const hasFigure = (element: PDFDict, depth: number): boolean =>
    kids(element).some(
      (kid) => kid.get(PDFName.of('S')) === FIGURE || (depth < 8 && hasFigure(kid, depth + 1)),
    );
  const kids = (element: PDFDict): PDFDict[] => {
    const k = element.get(PDFName.of('K'));
    const list = k instanceof PDFArray ? k.asArray() : k ? [k] : [];
    return list
      .map((item) => context.lookup(item))
      .filter((item): item is PDFDict => item instanceof PDFDict && item.has(PDFName.of('S')));
  };
  const visit = (element: PDFDict): void => {
    for (const kid of kids(element)) {
      const described = kid.has(PDFName.of('Alt')) || kid.has(PDFName.of('ActualText'));
      if (kid.get(PDFName.of('S')) === FIGURE && !described && hasFigure(kid, 0)) {
        kid.set(PDFName.of('S'), PDFName.of('Div'));
      }
      visit(kid);
    }
  };
  if (root) visit(root);
}

/** PDF 2.0's structure types that Chromium may write, as the PDF 1.7 type they mean. */
const PDF_17_TYPE: Readonly<Record<string, string>> = {
  Strong: 'Span',
  Em: 'Span',
  Sub: 'Span',
  Aside: 'Div',
  DocumentFragment: 'Div',
  FENote: 'Note',
  Title: 'P',
};

/** Role-maps every PDF 2.0 structure type in the tree to its PDF 1.7 meaning (7.1). */
function mapNewStructureTypes(doc: PDFDocument): void {
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return;
  const used = new Set<string>();
  const visit = (element: PDFDict, depth: number): void => {
    const type = element.get(PDFName.of('S'));
    if (type instanceof PDFName) used.add(type.decodeText());
    const k = element.get(PDFName.of('K'));
    for (const kid of k instanceof PDFArray ? k.asArray() : k ? [k] : []) {
      const dict = doc.context.lookup(kid);
      if (dict instanceof PDFDict && depth < 256) visit(dict, depth + 1);
    }
  };
  visit(root, 0);
  const mapping = [...used].filter((type) => PDF_17_TYPE[type] !== undefined);
  if (mapping.length === 0) return;
  const roleMap = root.lookupMaybe(PDFName.of('RoleMap'), PDFDict) ?? doc.context.obj({});
  for (const type of mapping) {
    if (!roleMap.has(PDFName.of(type))) {
      roleMap.set(PDFName.of(type), PDFName.of(PDF_17_TYPE[type]!));
    }
  }
  root.set(PDFName.of('RoleMap'), roleMap);
}

/** Gives every link annotation its link's text as `/Contents` (PDF/UA-1, 7.18.5). */
function describeLinks(doc: PDFDocument, linkTexts: ReadonlyMap<string, string>): void {
  for (const page of doc.getPages()) {
    const annots = page.node.Annots();
    for (const ref of annots?.asArray() ?? []) {
      const annot = doc.context.lookup(ref);
      if (!(annot instanceof PDFDict) || annot.get(PDFName.of('Subtype')) !== PDFName.of('Link')) {
        continue;
      }
      if (annot.has(PDFName.of('Contents'))) continue;
      const dest = annot.get(PDFName.of('Dest'));
      const uri = text(annot.lookupMaybe(PDFName.of('A'), PDFDict)?.get(PDFName.of('URI')));
      // Chromium names a link's target after the element's id: `/Dest /summary` is `#summary`.
      const name = dest instanceof PDFName ? dest.decodeText() : text(dest);
      const href = name !== undefined ? `#${name}` : uri;
      const description = (href && linkTexts.get(href)) ?? href ?? 'Link';
      annot.set(PDFName.of('Contents'), PDFHexString.fromText(description));
    }
  }
}

function escapeXml(value: string): string {
  return value.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c,
  );
}

/** XMP metadata that repeats the document information and claims PDF/UA-1. */
function xmp(doc: PDFDocument, title: string, lang: string): string {
  const created = (doc.getCreationDate() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const producer = doc.getProducer() ?? '';
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(title)}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>${escapeXml(lang)}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>${escapeXml(producer)}</pdf:Producer>
<xmp:CreatorTool>ozgwatch ${escapeXml(VERSION)}</xmp:CreatorTool>
<xmp:CreateDate>${created}</xmp:CreateDate>
<xmp:ModifyDate>${created}</xmp:ModifyDate>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}
