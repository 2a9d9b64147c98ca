import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lintSources, runLint } from '../../cli/lint-command';
import { parseSeverityOverride } from '../../core/rules/unsafe/lint-controls';
import { severityOverridesFrom } from '../../core/settings-values';

const XDP = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("xdp")\nint p(struct xdp_md *ctx)\n{\n\tbpf_printk("x");\n\treturn XDP_PASS;\n}\n' +
  'char LICENSE[] SEC("license") = "MIT";\n';

describe('rule levels from the CLI and the editor', () => {
  it('lint --severity RULE=LEVEL lowers, raises or turns off a rule; a bad value is a usage error saying what to write', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'unsafe-severity-'));
    const file = path.join(dir, 'p.bpf.c');
    writeFileSync(file, XDP);
    const levels = async (severity: Record<string, 'off' | 'info' | 'warning' | 'error'>) =>
      (await lintSources([file], [], [], severity))[0].findings.filter((f) => f.rule === 'gpl-helper').map((f) => f.severity);
    assert.deepEqual(await levels({}), ['error']);
    assert.deepEqual(await levels({ 'gpl-helper': 'info' }), ['info']);
    assert.deepEqual(await levels({ 'gpl-helper': 'off' }), []);
    assert.deepEqual(parseSeverityOverride('modern-hints=off'), ['modern-hints', 'off']);
    await assert.rejects(runLint([file, '--severity', 'gpl-helper=loud']), /--severity takes RULE=LEVEL with LEVEL one of off, info, warning, error/);
  });

  it('ebpf.lint.severity: valid entries kept, invalid ones named and ignored, never thrown', () => {
    const warnings: string[] = [];
    const got = severityOverridesFrom({ 'modern-hints': 'off', 'gpl-helper': 'loud', 'probe-read': 'error' }, (m) => warnings.push(m));
    assert.deepEqual(got, { 'modern-hints': 'off', 'probe-read': 'error' });
    assert.match(warnings.join('\n'), /"gpl-helper": "loud" is not one of off, info, warning, error; ignored/);
    assert.deepEqual(severityOverridesFrom(undefined, (m) => warnings.push(m)), {});
    assert.deepEqual(severityOverridesFrom(['x'], (m) => warnings.push(m)), {});
    assert.match(warnings.at(-1)!, /must be an object of rule ids to levels/);
  });
});
