/** Bench bundle: every real workflow (an encounter starts its charge's invoice) plus an empty one as the baseline. */
export * from '../workflows';
export { shapeWorkflow } from './shape';

/** Does nothing: its start-to-result time is the floor any workflow on this server pays. */
export async function benchNoopWorkflow(): Promise<string> {
  return 'ok';
}
