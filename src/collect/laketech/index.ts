// Public surface of the LakeTech readers.
export { laketechCsvToTable, parseCsv, type CsvRecord } from './csv';
export { excelHtmlToTable, decodeEntities } from './excel-html';
export { splitParameter, columnFor, type LakeTechOptions } from './options';
export { localToUtcMs, zoneOffsetMs, parseLocalTime, validateZone, type LocalTime } from './zone';
