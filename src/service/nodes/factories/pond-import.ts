// The pond-import factory: a read-only directory showing another pond's tree as of one of its versions (the cross-pond
// import of src/service/imports/). Reads see the mount as that pond's tree (imports/import-view.ts lays it out);
// writes see only this config file, so the importing pond records which pond and version it saw, never its data.
import type { Factory } from '../factory';
import { IMPORT_FACTORY, parseImportConfig, type PondImportConfig } from '../../imports/import-config';

export const pondImportFactory: Factory<PondImportConfig> = {
  name: IMPORT_FACTORY,
  kind: 'directory',
  summary: "another pond's backup, read in place (made by `remote import`, refreshed by `remote import-pull`)",
  fields: [
    { name: 'remote', description: 'the remote (on this device) the pond is pulled from', required: true },
    { name: 'bucket_url', description: "that remote's bucket URL (recorded; never a secret)", required: true },
    { name: 'prefix', description: "that remote's key prefix" },
    { name: 'pond_id', description: 'the imported pond id', required: true },
    { name: 'version', description: 'the version of the imported pond shown', required: true },
  ],
  parse: parseImportConfig,
  inputs: () => [],
};
