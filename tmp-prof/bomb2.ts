import { createDeflate } from 'node:zlib';
import { classifyPdf } from '../src/checkers/a11y/pdf.ts';
async function deflatedZeros(bytes: number, head: string): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  deflate.write(Buffer.from(head, 'latin1'));
  const chunk = Buffer.alloc(16 * 2 ** 20, 0x20);
  for (let n = 0; n < bytes; n += chunk.length) {
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  await new Promise((r) => deflate.end(r));
  return Buffer.concat(out);
}
const z = await deflatedZeros(2 ** 30, '4 0 << /Producer (x) >> ');
const parts: Buffer[] = [];
const offsets: number[] = [];
let len = 0;
const add = (b: Buffer | string) => { const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b; parts.push(buf); len += buf.length; };
add('%PDF-1.7\n');
offsets[1] = len; add('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
offsets[2] = len; add('2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n');
offsets[3] = len; add(`3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${z.length} >>\nstream\n`); add(z); add('\nendstream\nendobj\n');
const xref = len;
add(`xref\n0 4\n0000000000 65535 f \n${[1,2,3].map(i => String(offsets[i]).padStart(10,'0') + ' 00000 n \n').join('')}trailer\n<< /Root 1 0 R /Size 4 >>\nstartxref\n${xref}\n%%EOF\n`);
const bytes = Buffer.concat(parts);
const t = performance.now();
console.log(await classifyPdf('x', bytes), (performance.now() - t) | 0, 'ms');
