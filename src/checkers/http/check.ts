import type { Checker } from '../checker.ts';
import { httpSpecSchema, type HttpSpec } from './spec.ts';

// Placeholder until the HTTP checker lands.
export const httpChecker: Checker<HttpSpec> = {
  kind: 'http',
  spec: httpSpecSchema,
  pool: 'http',
  check: () => Promise.reject(new Error('not implemented')),
};
