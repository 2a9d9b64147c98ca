import type { CFileModel } from '../source/c-model';
import { checkLayoutUnknown } from './c-layout-unknown';
import { checkMapKeyPadding } from './c-map-key-padding';
import { checkMapValuePadding } from './c-map-value-padding';
import type { CLintContext } from './c-padding-verdict';
import type { Finding } from './finding';

/** Every C rule over one file's model; `ctx` says what the rest of the project does with its structs. */
export function lintCModel(model: CFileModel, ctx: CLintContext = {}): Finding[] {
  return [...checkMapKeyPadding(model, ctx), ...checkMapValuePadding(model, ctx), ...checkLayoutUnknown(model)];
}
