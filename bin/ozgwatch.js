#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
// Launcher. Node ≥ 22.19 runs the TypeScript sources directly (type stripping); an older Node
// fails on the first import with "Unknown file extension .ts", which tells a user nothing, so
// the version is checked before anything TypeScript is imported.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(
    `ozgwatch needs Node.js 22.19 or newer (24 LTS recommended); ${process.execPath} is ${process.version}.`,
  );
  process.exit(1);
}
const { runProgram } = await import('../src/cli/main.ts');
await runProgram(process.argv.slice(2));
