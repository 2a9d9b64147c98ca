/**
 * Capture the verifier logs the replay DAP suite feeds to the adapter: `node --import tsx scripts/save-replay-logs.ts`.
 * Each rejected example's level-1 log (and count_ok's level-2 log) goes to test/fixtures/replay/<program>.{log,json}.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { HelperClient } from '../core/loader/helper-client';

const repo = path.resolve(__dirname, '..');
const out = path.join(repo, 'test', 'fixtures', 'replay');
const wanted: [string, number][] = [['null_deref', 1], ['subprog_reject', 1], ['packet_bounds', 1], ['count_ok', 2]];

(async () => {
  const helper = new HelperClient({ helperPath: path.join(repo, 'dist', 'helper.js') });
  for (const [name, level] of wanted) {
    const object = (await buildBpfSource(path.join(repo, 'examples', `${name}.bpf.c`))).object;
    const r = await helper.verify({ path: object, program: name, logLevel: level });
    writeFileSync(path.join(out, `${name}.log`), Buffer.concat(r.log));
    writeFileSync(path.join(out, `${name}.json`), JSON.stringify({ errno: r.errno, section: r.section, logLevel: level }) + '\n');
  }
  await helper.close();
})();
