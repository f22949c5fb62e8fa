#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
// Launcher: Node ≥ 22.18 runs the TypeScript sources directly (type stripping).
import { runProgram } from '../src/cli/main.ts';

await runProgram(process.argv.slice(2));
