/**
 * Validation against the official, unchanged XSDs in contracts/ with libxml2's `xmllint` (Debian's
 * libxml2-utils, installed by scripts/bootstrap.sh): one short process per document, a few ms.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export const CONTRACTS_DIR = path.resolve(__dirname, '../../contracts/crm-scheduling-1.1.1');

/** The responder schema of a crm:scheduling contract, e.g. `GetAllPerformers`. */
export const responderXsd = (contract: string) =>
  path.join(CONTRACTS_DIR, 'interactions', `${contract}Interaction`, `${contract}Responder_1.1.xsd`);

/** PingForConfiguration (itintegration:monitoring 1.0), which every RIVTA 2.1 producer answers. */
export const PING_XSD = path.resolve(
  CONTRACTS_DIR,
  '../monitoring-1.0/interactions/PingForConfigurationInteraction/PingForConfigurationResponder_1.0.xsd',
);
export const PING_NS = 'urn:riv:itintegration:monitoring:PingForConfigurationResponder:1';

/** Update (itintegration:engagementindex 1.0): a producer tells the national engagement index about a booking. */
export const UPDATE_XSD = path.resolve(
  CONTRACTS_DIR,
  '../engagementindex-1.0/interactions/UpdateInteraction/UpdateResponder_1.0.xsd',
);
export const UPDATE_NS = 'urn:riv:itintegration:engagementindex:UpdateResponder:1';
export const ENGAGEMENT_NS = 'urn:riv:itintegration:engagementindex:1';

export const HEADERS_XSD = path.join(CONTRACTS_DIR, 'core_components', 'interoperability_headers_1.0.xsd');

/**
 * The official SubjectOfCareIdType (and the engagement index's RegisteredResidentIdentificationType,
 * with the same pattern) writes its pattern with `^…$`, which XSD regular expressions read
 * as literal characters, so a strict validator refuses every personnummer. We keep the schema as
 * published and check that one facet as its authors meant it (anchors as anchors).
 */
const SUBJECT_OF_CARE_PATTERN = '^[0-9]{8}[0-9pPtTfF][0-9]{3}$';
const SUBJECT_OF_CARE = /^[0-9]{8}[0-9pPtTfF][0-9]{3}$/;

/**
 * The schema's complaints about `xml` (empty when it is valid), each naming the element, e.g.
 * "Element '{urn:…}endDateInclusive': [facet 'pattern'] The value '2026-12-03' is not accepted …".
 */
export function validateXml(xml: string, xsd: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('xmllint', ['--noout', '--nonet', '--schema', xsd, '-'], (err, _out, stderr) => {
      const problems = stderr
        .split('\n')
        .map((l) => l.match(/Schemas validity error : (.*)$/)?.[1] ?? l.match(/parser error : (.*)$/)?.[1])
        .filter((m): m is string => !!m)
        .filter((m) => !isPublishedPatternQuirk(m));
      // xmllint exits 3 (invalid) or 1 (not well-formed); anything else is our failure, not the caller's.
      if (err && !problems.length && !/fails to validate/.test(stderr)) return reject(err);
      resolve(problems);
    });
    child.stdin!.end(xml);
  });
}

function isPublishedPatternQuirk(message: string): boolean {
  if (!message.includes(`pattern '${SUBJECT_OF_CARE_PATTERN}'`)) return false;
  const value = message.match(/The value '([^']*)'/)?.[1];
  return value !== undefined && SUBJECT_OF_CARE.test(value);
}
