import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Secrets } from '../../src/checkers/secrets.ts';

/** Secrets that have read `value` through `${env:PIN}`. */
function secretsWith(value: string): Secrets {
  const secrets = new Secrets({ PIN: value });
  expect(secrets.resolve('${env:PIN}')).toBe(value);
  return secrets;
}

describe('Secrets: masking what a run leaves behind', () => {
  it('masks string values at any depth, and leaves field names and numbers as they are', () => {
    const secrets = secretsWith('te');
    const masked = secrets.redactValue({
      text: 'tea time',
      steps: [{ name: 'Login', actual: ['te', 'note'] }],
      durationMs: 12,
    });
    expect(masked).toEqual({
      text: '***a time',
      steps: [{ name: 'Login', actual: ['***', 'no***'] }],
      durationMs: 12,
    });
  });

  it('masks a trace event log value by value, so every line still reads as JSON', () => {
    const secrets = secretsWith('type');
    const events = [
      { type: 'before', method: 'fill', params: { value: 'type', selector: '#pin' } },
      { type: 'after', result: 'typed in' },
    ];
    const zip = zipSync({
      'trace.trace': strToU8(events.map((e) => JSON.stringify(e)).join('\n') + '\n'),
      'resources/page.html': strToU8('<p>type here</p>'),
      'trace.stacks': strToU8('{"files":[]}'),
    });
    const entries = unzipSync(secrets.redactZip(zip));
    const lines = strFromU8(entries['trace.trace'] as Uint8Array)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { type: 'before', method: 'fill', params: { value: '***', selector: '#pin' } },
      { type: 'after', result: '***d in' },
    ]);
    // Raw resources are masked as bytes; an entry without the secret is untouched.
    expect(strFromU8(entries['resources/page.html'] as Uint8Array)).toBe('<p>*** here</p>');
    expect(strFromU8(entries['trace.stacks'] as Uint8Array)).toBe('{"files":[]}');
  });

  it('masks a cut line of an event log as text', () => {
    const secrets = secretsWith('geheim-4711');
    const zip = zipSync({ 'trace.network': strToU8('{"value":"geheim-4711", "cut') });
    const out = strFromU8(unzipSync(secrets.redactZip(zip))['trace.network'] as Uint8Array);
    expect(out).toBe('{"value":"***", "cut');
  });
});
