/** Every workflow the worker runs (the bundle entry for `workflowsPath`). */
export { encounterWorkflow } from './encounter';
export { invoiceWorkflow } from './invoice';
export { messageThreadWorkflow } from './message-thread';
