import type { CFileModel } from '../source/c-model';
import { checkMapKeyPadding } from './c-map-key-padding';
import { checkMapValuePadding } from './c-map-value-padding';
import type { Finding } from './finding';

/** Every C rule over one file's model. */
export function lintCModel(model: CFileModel): Finding[] {
  return [...checkMapKeyPadding(model), ...checkMapValuePadding(model)];
}
