// The config of `dynamic-dir`: a read-only directory whose entries are derived nodes, each a name, a factory and
// that factory's config. The factory names are checked against a list the caller passes (the registry's names:
// importing the registry here would be a cycle once the registry lists dynamic-dir); each entry's config is kept as
// YAML text, so the registry parses it with the entry's own factory exactly as `mknod` would. Unknown fields refused.
import { stringify } from 'yaml';
import { PondError } from '../../../core/errors';
import { yamlDoc } from '../config-fields';
import { at, invalidField, list, mapping, nodeName, onlyFields, requiredString } from '../config-checks';

const WHAT = 'dynamic-dir';

export interface DynamicDirEntry {
  /** A valid node name, unique in the directory. */
  name: string;
  factory: string;
  /** The entry's config as YAML text, for its factory's parser. */
  config: string;
}

export interface DynamicDirConfig {
  entries: DynamicDirEntry[];
}

/**
 * `checkEntry`, when given, parses one entry's config with its factory (the registry's parseNodeConfig); a PondError
 * it throws is re-raised naming the entry (`dynamic-dir config: entries[1].config: timeseries-join config: …`).
 */
export function parseDynamicDirConfig(
  text: string, knownFactories: readonly string[], checkEntry?: (factory: string, config: string) => void,
): DynamicDirConfig {
  const o = yamlDoc(text, WHAT);
  onlyFields(o, ['entries'], '', WHAT);
  const entries: DynamicDirEntry[] = [];
  for (const [i, raw] of list(o.entries, 'entries', WHAT).entries()) {
    const field = at('entries', i);
    const e = mapping(raw, field, WHAT);
    onlyFields(e, ['name', 'factory', 'config'], field, WHAT);
    const name = nodeName(e.name, at(field, 'name'), WHAT);
    const twin = entries.findIndex((x) => x.name === name);
    if (twin >= 0) throw invalidField(WHAT, at(field, 'name'), `repeats ${JSON.stringify(name)} (entries[${twin}])`);
    const factory = requiredString(e.factory, at(field, 'factory'), WHAT);
    if (!knownFactories.includes(factory)) throw invalidField(WHAT, at(field, 'factory'), `is unknown: ${JSON.stringify(factory)}; known: ${knownFactories.join(', ')}`);
    if (e.config === undefined || e.config === null) throw invalidField(WHAT, at(field, 'config'), 'is required (the mapping the factory reads)');
    const config = stringify(mapping(e.config, at(field, 'config'), WHAT));
    try {
      checkEntry?.(factory, config);
    } catch (err) {
      // The factory's refusal of the entry's config (a PondError of any code) is named; anything else is a bug.
      if (!(err instanceof PondError)) throw err;
      throw new PondError(err.code, `${WHAT} config: ${at(field, 'config')}: ${err.message}`, { cause: err, detail: { ...err.detail, factory: WHAT, field: at(field, 'config'), entry: name } });
    }
    entries.push({ name, factory, config });
  }
  return { entries };
}
