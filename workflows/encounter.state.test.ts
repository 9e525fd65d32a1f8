import { DEFAULT_POLICY } from './encounter.messages';
import { EncounterMachine } from './encounter.state';

const machine = () =>
  new EncounterMachine({
    encounterId: 'e1',
    patientId: 'p1',
    careUnitId: 'u1',
    requestedBy: { id: 'a', role: 'admin' },
    policy: DEFAULT_POLICY,
  });

describe('EncounterMachine', () => {
  it('never skips a step', () => {
    const s = machine();
    expect(() => s.moveTo('identity', null)).toThrow(/cannot move from requested to identity/);
    s.moveTo('eligibility', null);
    expect(() => s.moveTo('eligibility', null)).toThrow();
  });

  it('cannot reach closed without a journal note', () => {
    const s = machine();
    for (const step of ['eligibility', 'identity', 'booking', 'pre-meeting', 'video', 'documentation', 'fee'] as const)
      s.moveTo(step, null);
    expect(() => s.moveTo('closed', null)).toThrow('an encounter cannot close without a journal note');
    s.state.journalNoteId = 'n1';
    s.moveTo('closed', null);
    expect(s.state.status).toBe('closed');
  });
});
