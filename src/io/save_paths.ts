// The file extensions model.save and model.saveWeights write, checked before anything is written,
// as Keras checks them: a Keras 3 model file ends in '.keras', a Keras weights file in
// '.weights.h5'; a file path with neither (a folder, a URL of this library's stores) holds this
// library's own format. A path naming a format the call does not write is an error rather than a
// folder of another format under that name.

import type { IOTarget } from './handlers';

/** A string that names a file: a path, a file:// or a downloads:// URL (not another store's URL). */
function isFilePath(target: IOTarget): target is string {
  return typeof target === 'string' && (/^(file|downloads):\/\//i.test(target) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(target));
}

/**
 * Throws when `target` is a file path whose extension is a format `caller` does not write: '.keras'
 * or a bare '.h5' for saveWeights, '.weights.h5' or a bare '.h5' (legacy HDF5) for save.
 *
 * @example
 * checkSavePath('best.weights.h5', 'saveWeights');   // fine
 * checkSavePath('best.h5', 'saveWeights');           // throws: Keras weights files end in '.weights.h5'
 */
export function checkSavePath(target: IOTarget, caller: 'save' | 'saveWeights', op: string = caller): void {
  if (!isFilePath(target)) return;
  const path = target.toLowerCase();
  const other = ' (a path with neither extension saves this library\'s own format)';
  if (caller === 'saveWeights' && (path.endsWith('.keras') || (path.endsWith('.h5') && !path.endsWith('.weights.h5')))) {
    throw new Error(`${op}: the filename must end in '.weights.h5' to save weights in Keras's format${other}; a whole model goes to a '.keras' file with model.save. Received: filepath=${target}`);
  }
  if (caller === 'save' && path.endsWith('.weights.h5')) {
    throw new Error(`${op}: '.weights.h5' files hold weights only: save them with model.saveWeights, or save the whole model to a '.keras' file. Received: filepath=${target}`);
  }
  if (caller === 'save' && path.endsWith('.h5')) {
    throw new Error(`${op}: legacy HDF5 ('.h5') model files are not written; save to a '.keras' file (Keras 3's format)${other}. Received: filepath=${target}`);
  }
}
