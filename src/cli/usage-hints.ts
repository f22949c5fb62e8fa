import { suggestKey } from '../probes/suggest.ts';

/**
 * The first line of a usage error, in the words of the probe diagnostics: what was typed and
 * the name that was probably meant. Node's own text for an unknown option explains how to
 * pass a positional argument that starts with `-`, which is not what an operator who typed
 * `--probs` needs to read.
 */
export function unknownOptionHint(error: unknown, options: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const typed = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (!typed) return message;
  const [, dashes, name] = typed as unknown as [string, string, string];
  const meant = suggestKey(name, options);
  return `unknown option ${dashes}${name}${meant ? `; did you mean --${meant}?` : ''}`;
}

/** `unknown command "valdiate"; did you mean "validate"?` */
export function unknownCommandHint(command: string, commands: readonly string[]): string {
  const meant = suggestKey(command, commands);
  return `unknown command "${command}"${meant ? `; did you mean "${meant}"?` : ''}`;
}

/** `no probe with id "kfz-ludwigsbrug"; did you mean "kfz-ludwigsburg"?`, for each id not found. */
export function unknownProbeHint(unknown: readonly string[], ids: readonly string[]): string {
  return unknown
    .map((id) => {
      const meant = suggestKey(id, ids);
      return `no probe with id "${id}"${meant ? `; did you mean "${meant}"?` : ''}`;
    })
    .join('\n');
}
