/** Playwright colours its call log for terminals; results and pages want plain text. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI_COLOUR, '');
}

/** The first line of an error's message, without terminal colours, at most `max` characters. */
export function errorLine(error: unknown, max = 300): string {
  const text = stripAnsi(error instanceof Error ? error.message : String(error));
  return (text.split('\n')[0] ?? '').slice(0, max);
}
