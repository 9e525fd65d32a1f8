import { DEFAULT_POLICY, STEPS } from './encounter.messages';
import { assertNextStep, EncounterMachine } from './encounter.machine';

describe('the encounter machine', () => {
  it('never skips a step and never goes back', () => {
    expect(() => assertNextStep('requested', 'identity', false)).toThrow(/cannot move from requested to identity/);
    expect(() => assertNextStep('requested', 'eligibility', false)).not.toThrow();
    expect(() => assertNextStep('eligibility', 'eligibility', false)).toThrow();
    expect(() => assertNextStep('video', 'pre-meeting', false)).toThrow(/cannot move from video to pre-meeting/);
    for (let i = 1; i < STEPS.length - 1; i++)
      expect(() => assertNextStep(STEPS[i - 1], STEPS[i], false)).not.toThrow();
  });

  it('cannot reach closed without a journal note', () => {
    expect(() => assertNextStep('fee', 'closed', false)).toThrow('an encounter cannot close without a journal note');
    expect(() => assertNextStep('fee', 'closed', true)).not.toThrow();
  });

  it('keeps its state to itself: the view is a copy, and a new encounter is requested and takes no booking yet', () => {
    const e = new EncounterMachine({
      encounterId: 'e1',
      patientId: 'p1',
      careUnitId: 'u1',
      requestedBy: { id: 'a', role: 'admin' },
      policy: DEFAULT_POLICY,
    });
    // begin() and the handlers need a workflow context (patched()); the workflow tests drive those.
    const view = e.view();
    expect(view).toMatchObject({ status: 'requested', step: 'requested', waitingFor: null, slot: null });
    expect(view.deadlines).toEqual({});
    view.timeline.length = 0;
    expect(e.view().timeline.map((t) => t.event)).toEqual(['requested']);
    expect(() => e.assertCanBook({ actor: { id: 'a', role: 'admin' }, slotId: 's' })).toThrow(
      /not allowed in step 'requested'/,
    );
  });
});
