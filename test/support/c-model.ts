import { extractCModel } from '../../core/source/c-extract';
import type { CFileModel } from '../../core/source/c-model';
import { createParser } from '../../core/source/tree-sitter';

export async function cModel(text: string): Promise<CFileModel> {
  const parser = await createParser('c');
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse failed');
  const model = extractCModel(tree);
  tree.delete();
  return model;
}
