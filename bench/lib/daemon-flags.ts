/**
 * The V8 flags the daemon is shipped with (`npm start`, bin/ozgwatch.js, the container's
 * entrypoint; test/deploy/daemon-flags.test.ts keeps them equal), so that the benchmarks
 * and the soak measure the daemon as users run it. Why these: docs/configuration.md#memory.
 */
export const DAEMON_V8_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=100'] as const;
