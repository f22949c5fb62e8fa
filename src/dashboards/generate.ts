/** `npm run dashboards`: writes the dashboards of `src/dashboards/` to `dashboards/*.json`. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderDashboards } from './index.ts';

const out = path.join(import.meta.dirname, '..', '..', 'dashboards');
for (const [file, json] of renderDashboards()) {
  await writeFile(path.join(out, file), json);
  process.stdout.write(`dashboards/${file}\n`);
}
