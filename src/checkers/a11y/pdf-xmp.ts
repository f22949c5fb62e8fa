import { inflateSync } from 'node:zlib';
import { PDFArray, PDFName, PDFRawStream } from 'pdf-lib';

/** XMP metadata larger than this (decoded or not) is not read. */
const XMP_LIMIT = 1024 * 1024;

/**
 * The XMP packet of a metadata stream as text, or '' when there is none or it cannot be
 * read within the limit. Decoded with zlib's own output limit: pdf-lib's decoder inflates
 * a stream whole before its size can be seen, and a 1 MB metadata stream can inflate to
 * 1 GB.
 */
export function readXmp(stream: unknown): string {
  if (!(stream instanceof PDFRawStream) || stream.getContentsSize() > XMP_LIMIT) return '';
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
