// The dynamic-dir factory: a read-only directory of derived nodes, each entry a factory and its config. Reads see it as
// a directory (dynamic-dirs.ts lays its entries into the view of the pond they read); writes see the config file.
import { PondError } from '../../../core/errors';
import type { Factory } from '../factory';
import { parseDynamicDirConfig, type DynamicDirConfig } from './dynamic-dir-config';

/** What an entry may be: nodes computed when read (not collectors, nor another dynamic directory). */
export type EntryCheck = (factory: string, config: string) => void;

export function dynamicDirFactory(entryFactories: () => readonly string[], checkEntry: EntryCheck): Factory<DynamicDirConfig> {
  return {
    name: 'dynamic-dir',
    kind: 'directory',
    summary: 'a read-only directory of derived nodes, each entry a factory and its config',
    fields: [{ name: 'entries', description: 'list of {name, factory, config}; the factories computed when read (list-factories: derived)', required: true }],
    parse: (text) => {
      const config = parseDynamicDirConfig(text, entryFactories(), checkEntry);
      if (config.entries.length === 0) throw new PondError('INVALID_INPUT', 'dynamic-dir config: entries must list at least one entry', { detail: { field: 'entries' } });
      return config;
    },
    inputs: () => [],
  };
}
