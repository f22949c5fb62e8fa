import type { Problem } from './diagnostics.ts';

/**
 * A waiver's `reason` and `owner` are for the people who read the report: an auditor asks
 * why a barrier is accepted and who decided. "Must be at least 3 characters" says neither.
 */
const PURPOSE: Record<string, string> = {
  reason:
    'the reason says why the finding is accepted (a decision, a ticket) and is listed with it in the report',
  owner: 'the owner names who accepted the finding (a team or a person)',
};

/**
 * A problem of a waiver's field (`waivers[2].reason`, in a file's `waivers:` or a probe's
 * `a11y.waivers`) with what the field is for; any other problem as it is.
 */
export function waiverProblem(problem: Problem): Problem {
  const [list, index, field] = problem.path.slice(-3);
  const isWaiver = list === 'waivers' && typeof index === 'number' && typeof field === 'string';
  const purpose = isWaiver ? PURPOSE[field] : undefined;
  return purpose ? { ...problem, message: `${problem.message}: ${purpose}` } : problem;
}
