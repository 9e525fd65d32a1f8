import { createLogger } from './logger';

const PNR = '19850314-2385';

interface LogLine extends Record<string, unknown> {
  msg?: string;
  err: { type: string; message: string; stack: string; details?: { reason: string } };
}

function capture() {
  const out: string[] = [];
  const log = createLogger('web', 'info', { write: (s: string) => void out.push(s) });
  return { log, out, line: (i = 0) => JSON.parse(out[i]) as LogLine };
}

describe('log redaction of errors', () => {
  it("masks a personnummer in an error's message and stack (log.error({ err }, …))", () => {
    const { log, out, line } = capture();
    log.error({ err: new Error(`no patient ${PNR} in the register`) }, 'lookup failed');
    expect(out.join('')).not.toMatch(/19850314-?2385|8503142385/);
    expect(line().err.message).toBe('no patient [personnummer] in the register');
    expect(line().err.stack).toMatch(/^Error: no patient \[personnummer\] in the register\n\s+at /);
    expect(line().msg).toBe('lookup failed');
  });

  it('masks the message pino takes from the error when the call gives none', () => {
    const { log, out, line } = capture();
    log.error(new Error(`refused 198503142385`));
    log.warn({ err: new Error(`refused ${PNR}`) });
    expect(out.join('')).not.toMatch(/198503142385|19850314-2385/);
    expect(line(0)).toMatchObject({ msg: 'refused [personnummer]', err: { message: 'refused [personnummer]' } });
    expect(line(1)).toMatchObject({ msg: 'refused [personnummer]', err: { message: 'refused [personnummer]' } });
  });

  it("masks the error's cause chain, own properties and errors under other keys", () => {
    const { log, out, line } = capture();
    const cause = new Error(`row for 8503142385 locked`);
    const err = Object.assign(new Error('booking failed', { cause }), { details: { reason: `owner ${PNR}` } });
    log.error({ err, error: new TypeError(`bad ${PNR}`), failures: [`retry ${PNR}`] }, 'activity failed');
    const all = out.join('');
    expect(all).not.toMatch(/8503142385|19850314-2385/);
    expect(line().err.details?.reason).toBe('owner [personnummer]');
    expect(line().error).toMatchObject({ type: 'TypeError', message: 'bad [personnummer]' });
    expect(line().failures).toEqual(['retry [personnummer]']);
  });

  it('keeps the other fields and still drops patient fields', () => {
    const { log, line } = capture();
    log.error({ err: new Error('timeout'), encounterId: 'e1', personnummer: PNR, at: new Date(0) }, 'x');
    expect(line()).toMatchObject({
      encounterId: 'e1',
      personnummer: '[dolt]',
      at: '1970-01-01T00:00:00.000Z',
      err: { type: 'Error', message: 'timeout' },
    });
  });
});
