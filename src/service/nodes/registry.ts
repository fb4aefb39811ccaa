// The one list of factories: mknod validation, runs, the shell's `list-factories` and the UI read it. Adding a factory
// is one module in factories/ and one line here.
import type { FactoryInfo } from '../../api/pond-api';
import { PondError } from '../../core/errors';
import type { AnyFactory } from './factory';
import { columnRenameFactory } from './factories/column-rename';
import { dynamicDirFactory } from './factories/dynamic-dir';
import { hydrovuFactory } from './factories/hydrovu';
import { pondImportFactory } from './factories/pond-import';
import { sqlDerivedSeriesFactory, sqlDerivedTableFactory } from './factories/sql-derived';
import { syntheticTimeseriesFactory } from './factories/synthetic-timeseries';
import { temporalReduceFactory } from './factories/temporal-reduce';
import { timeseriesJoinFactory } from './factories/timeseries-join';
import { timeseriesPivotFactory } from './factories/timeseries-pivot';

export const FACTORIES: readonly AnyFactory[] = [
  hydrovuFactory,
  temporalReduceFactory,
  sqlDerivedSeriesFactory,
  sqlDerivedTableFactory,
  timeseriesJoinFactory,
  timeseriesPivotFactory,
  columnRenameFactory,
  syntheticTimeseriesFactory,
  pondImportFactory,
  // Its entries are derived nodes of the factories above (read lazily: this list is still being built here).
  dynamicDirFactory(
    () => FACTORIES.filter((f) => f.kind === 'derived').map((f) => f.name),
    (factory, config) => void parseNodeConfig(factory, config),
  ),
];

/** The factory called `name`, or USAGE naming the known ones. */
export function factoryNamed(name: string): AnyFactory {
  const f = FACTORIES.find((x) => x.name === name);
  if (!f) throw new PondError('USAGE', `unknown factory ${JSON.stringify(name)}; known: ${FACTORIES.map((x) => x.name).join(', ')}`, { detail: { factory: name } });
  return f;
}

/** A node's config parsed by its factory. */
export interface NodeConfig {
  factory: AnyFactory;
  config: unknown;
}

export function parseNodeConfig(factoryName: string, yaml: string): NodeConfig {
  const factory = factoryNamed(factoryName);
  return { factory, config: factory.parse(yaml) };
}

/** The registry as the API lists it. */
export function factoryInfos(): FactoryInfo[] {
  return FACTORIES.map((f) => ({ name: f.name, kind: f.kind, summary: f.summary, fields: f.fields.map((x) => ({ ...x })), takesSecret: !!f.takesSecret }));
}
