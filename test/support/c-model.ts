import { extractCModel } from '../../core/source/c-model-builder';
import type { CFileModel } from '../../core/source/c-model';
import { createParser, parseSource } from '../../core/source/tree-sitter';

export async function cModel(text: string): Promise<CFileModel> {
  const parser = await createParser('c');
  const tree = parseSource(parser, 'c', text);
  if (!tree) throw new Error('parse failed');
  const model = extractCModel(tree, text);
  tree.delete();
  return model;
}
