import type { TextRule } from '../text-rules.js';
import { calicoEntries } from './calico.js';
import { ruleFromEntry, type CatalogEntry } from './catalog-entry.js';
import { ciliumEntries } from './cilium.js';
import { corednsEntries } from './coredns.js';
import { flannelEntries } from './flannel.js';
import { kubernetesEntries } from './kubernetes.js';
import { libcniEntries } from './libcni.js';
import { multusEntries } from './multus.js';
import { otherAgentEntries } from './others.js';
import { ovsEntries } from './ovs.js';
import { referencePluginEntries } from './reference-plugins.js';
import { runtimeEntries } from './runtimes.js';

export { fillFormat, patternFromFormat, type CatalogEntry, type Emitter, type SourceWording } from './catalog-entry.js';

/** Every wording read from the source of a plugin, runtime or agent (docs/causes.md, "How to add a pattern"). */
export const catalogEntries: readonly CatalogEntry[] = [
  ...referencePluginEntries, ...libcniEntries, ...runtimeEntries, ...kubernetesEntries,
  ...flannelEntries, ...calicoEntries, ...ciliumEntries, ...otherAgentEntries,
  ...multusEntries, ...ovsEntries, ...corednsEntries,
];

export const catalogRules: readonly TextRule[] = catalogEntries.map(ruleFromEntry);
