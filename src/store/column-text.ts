/**
 * Text for a column of the store, the same in SQLite and PostgreSQL.
 *
 * A scanned page can put any character into a result: a title, a console message, a
 * selector or an error text with NUL (`\u0000`) or half of a UTF-16 surrogate pair. The
 * whole result is stored as JSON, which escapes both, so {@link Store.run} gives it back
 * exactly. The columns beside it (message, reason, findings, media breaks, the probe
 * catalogue) are plain text: PostgreSQL's text refuses NUL (SQLSTATE 22021), and both
 * drivers write a lone surrogate as U+FFFD, the Unicode replacement character, because
 * UTF-8 cannot encode it. NUL becomes U+FFFD too, in both stores: the column says that a
 * character was there that it cannot hold, rather than joining the words around it, and
 * the same result reads back the same from either store.
 */
export function columnText(value: string): string {
  // The common case, text as pages write it, is returned as it is.
  if (value.isWellFormed() && !value.includes('\u0000')) return value;
  return value.toWellFormed().replaceAll('\u0000', '\ufffd');
}
