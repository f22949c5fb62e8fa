import { createDeflate } from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { classifyPdf } from '../src/checkers/a11y/pdf.ts';
async function deflatedZeros(bytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const chunk = Buffer.alloc(16 * 2 ** 20);
  for (let n = 0; n < bytes; n += chunk.length) {
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  await new Promise((r) => deflate.end(r));
  return Buffer.concat(out);
}
let t = performance.now();
const z = await deflatedZeros(2 ** 30);
console.log('deflate 1GiB', (performance.now() - t) | 0, 'ms ->', z.length);
const doc = await PDFDocument.create();
doc.addPage();
const s = PDFRawStream.of(doc.context.obj({ Type: 'Metadata', Subtype: 'XML', Filter: 'FlateDecode', Length: z.length }), z);
doc.catalog.set(PDFName.of('Metadata'), doc.context.register(s));
const bytes = await doc.save({ useObjectStreams: false });
t = performance.now();
const info = await classifyPdf('x', bytes);
console.log(info, (performance.now() - t) | 0, 'ms', 'rss', process.memoryUsage().rss >> 20, 'maxrss', process.resourceUsage().maxRSS >> 10);
