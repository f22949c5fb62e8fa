/**
 * The services per level of administration (Bund, Land, Kreis, Gemeinde): DOMAIN B3.2 wants
 * the ranking of services by open critical and serious patterns split by level, since each
 * level answers to a different body.
 */
import { ADMIN_LEVEL_ORDER, type LevelRow, type ServiceSummary } from './model.ts';

/** Probes that name no level are counted under `none`, after the levels. */
export const NO_LEVEL = 'none';

export function byLevel(services: readonly ServiceSummary[]): LevelRow[] {
  const levelOf = (s: ServiceSummary): string => s.adminLevel ?? NO_LEVEL;
  const named = sortLevels(services.map(levelOf).filter((l) => l !== NO_LEVEL));
  const levels = services.some((s) => s.adminLevel === undefined) ? [...named, NO_LEVEL] : named;
  return levels.map((level) => {
    const mine = services.filter((s) => levelOf(s) === level);
    const scanned = mine.filter((s) => s.openPatterns !== null);
    const severe = scanned.map((s) =>
      s.openPatterns ? s.openPatterns.critical + s.openPatterns.serious : 0,
    );
    return {
      level,
      services: mine.length,
      scanned: scanned.length,
      severeServices: severe.filter((n) => n > 0).length,
      severePatterns: severe.reduce((a, b) => a + b, 0),
    };
  });
}

/** Levels widest first (Bund … Gemeinde); unknown codes after them. */
export function sortLevels(levels: Iterable<string>): string[] {
  const rank = (l: string): number => {
    const i = (ADMIN_LEVEL_ORDER as readonly string[]).indexOf(l);
    return i < 0 ? ADMIN_LEVEL_ORDER.length : i;
  };
  return [...new Set(levels)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
