/** The diagnosis core: snapshot in, Diagnosis out, rendered as text, JSON or YAML. All pure. */
export { diagnose } from './diagnose.js';
export { renderText, renderJson, renderYaml, toReport, type RenderTextOptions, type DiagnosisReport } from './render.js';
export { causeCatalog, causeCodes, type CauseCode } from './cause-catalog.js';
export { confidenceLabel, type ConfidenceLabel, type Diagnosis, type Evidence, type Finding, type Step } from './types.js';
export {
  loadCniConfigDir, parseCniConfigFile, parseBinaryListing, requiredCniBinaries, supportedCniVersions,
  type CniConfigFile, type CniPlugin,
} from './cni-config.js';
