/** One invoice as one durable workflow: collect → issue → wait for payment → reminder → overdue → closed when settled. */
import * as i from './invoice.messages';
import { InvoiceMachine } from './invoice.machine';
import { setHandler } from './payload-origin';

export async function invoiceWorkflow(input: i.InvoiceInput): Promise<i.InvoiceResult> {
  const invoice = new InvoiceMachine(input);
  // Each message is one method of the machine; its validator is the matching `assertCan…`.
  setHandler(i.balanceChangedSignal, () => invoice.balanceChanged());
  setHandler(i.waiveChargeUpdate, (u) => invoice.waiveCharge(u), { validator: (u) => invoice.assertCanWaiveCharge(u) });
  return invoice.run();
}
