/**
 * The county portal fixture in a process of its own, for the journey benchmark:
 * its CPU and memory are not the daemon's. Prints its http URL on stdout.
 */
import { startPortal } from '../test/fixtures/county-portal/index.ts';

const portal = await startPortal();
process.stdout.write(`${portal.http}/\n`);
process.on('SIGTERM', () => {
  void portal.close().then(() => process.exit(0));
});
