import { PDFHexString, type PDFObject, PDFString } from 'pdf-lib';

/**
 * The text of a PDF text string (literal or hex, PDFDocEncoding or UTF-16), or undefined
 * for anything else: a hostile or careless file puts names, numbers or dictionaries where
 * a /Lang, /Alt or /TU belongs.
 */
export function pdfText(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFString || object instanceof PDFHexString
    ? object.decodeText()
    : undefined;
}
