/**
 * The address as it must be written, when it was copied from a browser's address bar without
 * its scheme (`www.landkreis-ludwigsburg.de/kfz` → `https://www.landkreis-ludwigsburg.de/kfz`);
 * undefined when the text has a scheme of its own or would not be an address even with one.
 */
export function withScheme(input: unknown): string | undefined {
  if (typeof input !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(input)) return undefined;
  try {
    const url = new URL(`https://${input}`);
    if (!url.hostname.includes('.')) return undefined;
  } catch {
    return undefined;
  }
  return `https://${input}`;
}
