import { existsSync } from 'node:fs';
import path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { maskBpfMacros } from './c-macro-mask';

export type SourceLanguage = 'c' | 'go';

const WASM: Record<SourceLanguage | 'runtime', string> = {
  runtime: 'tree-sitter.wasm',
  c: 'tree-sitter-c.wasm',
  go: 'tree-sitter-go.wasm',
};

/** The WASM files sit next to the bundles in dist/; from sources (tests) they are found in dist/ too. */
function locate(file: string): string {
  for (const dir of [__dirname, path.resolve(__dirname, '..', '..', 'dist'), path.resolve(__dirname, '..', 'dist')]) { // bundles, sources, out/
    const p = path.join(dir, file);
    if (existsSync(p)) return p;
  }
  throw new Error(`${file} not found next to ${__dirname} or in dist/: run \`npm run build\`.`);
}

let init: Promise<void> | undefined;
const languages = new Map<SourceLanguage, Promise<Language>>();

/** A parser for `lang`; the WASM runtime and grammars load once per process. */
export async function createParser(lang: SourceLanguage): Promise<Parser> {
  init ??= Parser.init({ locateFile: () => locate(WASM.runtime) });
  await init;
  let language = languages.get(lang);
  if (!language) {
    language = Language.load(locate(WASM[lang]));
    languages.set(lang, language);
  }
  const parser = new Parser();
  parser.setLanguage(await language);
  return parser;
}

/** The text tree-sitter is given for a source: C with libbpf's macros masked (same offsets), Go as it is. */
export function parsedText(lang: SourceLanguage, text: string): string {
  return lang === 'c' ? maskBpfMacros(text) : text;
}

/** Parse a source (from scratch, or reusing `old`, which must have been edited to match `parsedText(text)`). */
export function parseSource(parser: Parser, lang: SourceLanguage, text: string, old?: Tree): Tree | null {
  return parser.parse(parsedText(lang, text), old);
}
