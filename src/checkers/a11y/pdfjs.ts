import type { getDocumentProxy } from 'unpdf';

export type PdfJsDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/**
 * Opens a PDF with pdf.js, through unpdf (pdf.js built for servers, without its optional
 * canvas), as a file from the web is read here: no font handed to a renderer, no system
 * font looked up, and past damaged objects rather than stopping at the first. The caller
 * destroys it (`loadingTask.destroy()`). pdf.js inflates streams whole: callers try them
 * with zlib's limit first (pdf-classify.ts).
 */
export async function openPdfJs(data: Uint8Array): Promise<PdfJsDocument> {
  const { getDocumentProxy } = await import('unpdf');
  // A copy: pdf.js transfers the buffer it is given.
  return getDocumentProxy(data.slice(), {
    verbosity: 0,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
}
