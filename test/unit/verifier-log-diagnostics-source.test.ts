/**
 * A verifier-log document's diagnostics carry the Problems source every other reject carries (VERIFIER_SOURCE,
 * 'eBPF verifier'): a log's reject and Verify Object's of the same program read as one kind in one Problems panel.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { VERIFIER_SOURCE } from '../../core/build/clang-diagnostic-shape';
import { readVerifierLog } from '../../core/verifier-log/log-blocks';
import { logDiagnostics } from '../../server/verifier-log-diagnostics';
import { SourceResolver } from '../../server/verifier-log-links';
import { EXAMPLES, REPO } from '../support/paths';

const REPLAY = path.join(REPO, 'test', 'fixtures', 'replay');
const diagnosticsOf = (text: string) => logDiagnostics(readVerifierLog(text), pathToFileURL(path.join(REPLAY, 'x.verifier.log')).href, new SourceResolver([REPLAY, EXAMPLES]));

describe('verifier-log diagnostics: their Problems source', () => {
  it('a log\'s reject has the source of every other reject', () => {
    const [reject, ...rest] = diagnosticsOf(readFileSync(path.join(REPLAY, 'null_deref.log'), 'utf8'));
    assert.deepEqual(rest, []);
    assert.equal(reject.code, 'null-deref', 'the reject itself, explained');
    assert.equal(reject.source, VERIFIER_SOURCE);
    assert.equal(VERIFIER_SOURCE, 'eBPF verifier');
  });

  it('so has the note of a log that holds no verdict', () => {
    const [note] = diagnosticsOf('this is not a verifier log\n');
    assert.match(note.message, /holds no verdict/);
    assert.equal(note.source, VERIFIER_SOURCE);
  });
});
