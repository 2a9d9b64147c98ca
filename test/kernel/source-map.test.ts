/**
 * The object reader's instruction-to-source mapping against the kernel's own `@ file:line` annotations (6.18):
 * every annotated instruction of every program of every example and test object, at level 2.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { LineKind } from '../../core/verifier-log/line-kind';
import { analyzeLog } from '../../core/verifier-log/parse';
import { parseSourceLine } from '../../core/verifier-log/path';
import type { ProgramSourceMap } from '../../core/source-map/insn-to-source';
import { loadObjectSourceMap, programMap } from '../../core/source-map/object-source-map';
import { DIST } from '../support/paths';
import { functionSpan } from '../support/function-span';
import { ALL_SOURCES, rejectMarker } from '../support/programs';

describe('instruction to source through BTF.ext line_info, checked against the kernel', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  after(() => helper.close());
  let annotated = 0;
  let agreed = 0;
  let rejects = 0;
  let exactRejects = 0;

  for (const src of ALL_SOURCES) {
    it(path.basename(src), async () => {
      const object = (await buildBpfSource(src)).object;
      const { obj, problem } = loadObjectSourceMap(object);
      assert.ok(obj?.ext, problem ?? '');
      for (const prog of (await helper.list(object)).programs) {
        const map: ProgramSourceMap = programMap(obj, prog.name)!;
        const out = await helper.verify({ path: object, program: prog.name, logLevel: 2 });
        const { index, summary } = analyzeLog(out.log);
        for (let i = index.first; i < index.end; i++) {
          if (index.kinds[i] !== LineKind.Source) continue;
          const a = parseSourceLine(index.text(i));
          if (!a.file || !a.line) continue;
          const next = index.insnBefore(i) + 1; // the instruction the annotation precedes
          if (next >= index.insnLines.length) continue;
          const insn = index.insnIndex[next];
          const loc = map.location(insn);
          annotated++;
          if (loc && path.basename(loc.file) === a.file && loc.line === a.line) agreed++;
          else assert.fail(`${prog.name} insn ${insn}: kernel says ${a.file}:${a.line}, line_info says ${loc ? `${path.basename(loc.file)}:${loc.line}` : 'nothing'}`);
        }
        if (out.errno === 0 || summary.afterMainPass) continue;
        rejects++;
        if (summary.insn === null) { // refused before any instruction: the program's own function, from func_info
          const at = map.functionLocation(null);
          assert.ok(at?.approximate, `${prog.name}: an approximate location from func_info`);
          assert.ok(functionSpan(readFileSync(at.file, 'utf8'), prog.name).includes(at.line), `${prog.name}: line ${at.line} is in the function`);
          continue;
        }
        const marker = rejectMarker(src, prog.name);
        const loc = map.location(summary.insn!);
        assert.ok(marker && loc, `${prog.name}: a BUG marker and a location`);
        assert.deepEqual([loc.file, loc.line], [marker.file, marker.line], `${prog.name} rejects at its BUG marker`);
        const text = readFileSync(loc.file, 'utf8').split('\n')[loc.line - 1];
        assert.ok(loc.column >= 1 && /\S/.test(text[loc.column - 1]), `${prog.name}: column ${loc.column} points into "${text.trim()}"`);
        exactRejects++;
      }
    });
  }

  after(() => {
    console.log(`source-map accuracy: ${agreed}/${annotated} kernel annotations agree with line_info; ${exactRejects}/${rejects} rejects at the exact line and a column in the code`);
  });

  it('counted something', () => {
    assert.ok(annotated > 100 && rejects >= 10, `${annotated} annotations, ${rejects} rejects`);
  });
});

