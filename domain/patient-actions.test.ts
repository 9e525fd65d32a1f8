/** Mina sidor's rules for acting on a meeting: what may be done, what a move may take, what it costs, what comes next. */
import {
  changeCost,
  moveRefusal,
  nextStep,
  nextStepInputOf,
  notChangeable,
  patientActions,
  pendingOffer,
  type MeetingState,
  type TargetSlot,
} from './patient-actions';

const NOW = new Date('2026-12-07T10:00:00Z');
const slot = {
  slotId: 'slot-1',
  clinicianId: 'c',
  startsAt: '2026-12-08T13:00:00Z',
  endsAt: '2026-12-08T13:20:00Z',
  bookedAt: '2026-12-01T09:00:00Z',
};
const booked: MeetingState = {
  status: 'pre-meeting',
  slot,
  sessionStartedAt: null,
  deadlines: { roomOpensAt: '2026-12-08T12:45:00Z', lateCancelFrom: '2026-12-07T13:00:00Z' },
  charges: [],
  waitingFor: 'confirm-checklist',
};
const invitation = { purpose: 'Uppföljning', sentAt: '2026-12-01T09:00:00Z', acceptedAt: null };

describe('patientActions', () => {
  it('moves a booked time before the room opens, but not once the meeting has started or ended', () => {
    expect(patientActions(booked)).toEqual({ move: true, book: false, offer: null });
    expect(patientActions({ ...booked, status: 'video' }).move).toBe(false);
    expect(patientActions({ ...booked, sessionStartedAt: '2026-12-08T13:01:00Z' }).move).toBe(false);
    expect(patientActions({ ...booked, status: 'cancelled' }).move).toBe(false);
    expect(notChangeable({ ...booked, status: 'video' })).toBe('wrong-step');
    expect(notChangeable({ ...booked, status: 'cancelled' })).toBe('ended');
    expect(notChangeable(booked)).toBeNull();
  });

  it('chooses a first time for an open kallelse while eligibility still runs, or in the booking step', () => {
    const open: MeetingState = { ...booked, status: 'eligibility', slot: null, invitation };
    expect(patientActions(open)).toEqual({ move: false, book: true, offer: 'open' });
    expect(patientActions({ ...open, invitation: undefined }).book).toBe(false);
    expect(patientActions({ ...open, invitation: undefined, status: 'booking' }).book).toBe(true);
  });

  it('a timed kallelse waits for an answer until the patient says yes to its time or moves it', () => {
    const timed: MeetingState = { ...booked, invitation };
    expect(pendingOffer(timed)).toBe('timed');
    expect(pendingOffer({ ...timed, attendanceConfirmedAt: { at: NOW.toISOString(), startsAt: slot.startsAt } })).toBe(
      null,
    );
    // A yes to an earlier time does not answer the time offered now.
    expect(pendingOffer({ ...timed, attendanceConfirmedAt: { at: NOW.toISOString(), startsAt: 'earlier' } })).toBe(
      'timed',
    );
    expect(pendingOffer({ ...timed, invitation: { ...invitation, acceptedAt: NOW.toISOString() } })).toBeNull();
    expect(pendingOffer({ ...timed, status: 'cancelled' })).toBeNull();
  });
});

describe('moveRefusal', () => {
  const want = { careUnitId: 'unit-a', profession: 'doctor', slotId: 'slot-1' };
  const target: TargetSlot = {
    id: 'slot-2',
    careUnitId: 'unit-a',
    profession: 'doctor',
    startsAt: '2026-12-09T08:00:00Z',
    free: true,
  };

  it('takes a free, future time of the same unit and the same kind of clinician', () => {
    expect(moveRefusal(target, want, NOW)).toBeNull();
  });

  it.each([
    ['slot-missing', null],
    ['slot-other-unit', { ...target, careUnitId: 'unit-b' }],
    ['slot-other-profession', { ...target, profession: 'nurse' }],
    ['slot-started', { ...target, startsAt: '2026-12-07T09:59:00Z' }],
    ['slot-same', { ...target, id: 'slot-1' }],
    ['slot-taken', { ...target, free: false }],
  ] as const)('refuses %s', (reason, t) => {
    expect(moveRefusal(t, want, NOW)).toBe(reason);
  });

  it('a first time (no clinician yet) may be any kind of clinician of the unit', () => {
    expect(
      moveRefusal({ ...target, profession: 'nurse' }, { ...want, profession: null, slotId: null }, NOW),
    ).toBeNull();
  });

  it('another unit is named before a taken time (the patient learns nothing of other units)', () => {
    expect(moveRefusal({ ...target, careUnitId: 'unit-b', free: false }, want, NOW)).toBe('slot-other-unit');
  });
});

describe('changeCost', () => {
  it('is late from the deadline on, and says when a late-cancel fee is already charged', () => {
    expect(changeCost(booked, NOW)).toEqual({ late: false, lateFrom: '2026-12-07T13:00:00Z', alreadyCharged: false });
    expect(changeCost(booked, new Date('2026-12-07T13:00:01Z')).late).toBe(true);
    const charged = { ...booked, charges: [{ kind: 'late-cancel', chargeOre: 40_000, reason: 'late-cancel' }] };
    expect(changeCost(charged, NOW).alreadyCharged).toBe(true);
  });

  it('a time booked inside the window has no deadline and is never late', () => {
    expect(changeCost({ ...booked, deadlines: {} }, new Date('2026-12-08T12:59:00Z'))).toEqual({
      late: false,
      lateFrom: null,
      alreadyCharged: false,
    });
  });
});

describe('nextStep', () => {
  it('pre-meeting: the room opens at its time', () => {
    expect(nextStep(nextStepInputOf(booked))).toEqual({ code: 'room-opens', at: '2026-12-08T12:45:00Z' });
  });

  it("the patient's own move comes first: a kallelse to answer or a time to choose", () => {
    expect(nextStep(nextStepInputOf({ ...booked, invitation }))).toEqual({
      code: 'answer-invitation',
      at: slot.startsAt,
    });
    expect(nextStep(nextStepInputOf({ ...booked, status: 'eligibility', slot: null, invitation })).code).toBe(
      'choose-time',
    );
  });

  it.each([
    ['eligibility', null, 'eligibility'],
    ['identity', null, 'identity'],
    ['booking', null, 'unit-books'],
    ['video', 'join-waiting-room', 'room-open'],
    ['video', 'admit-patient', 'in-waiting-room'],
    ['video', 'end-meeting', 'in-meeting'],
    ['documentation', 'write-journal-note', 'journal-note'],
    ['journal', 'journal-receipt', 'journal'],
    ['fee', null, 'fee'],
    ['closed', null, 'closed'],
    ['cancelled', null, 'cancelled'],
    ['no-show', null, 'no-show'],
    ['referred-to-physical', null, 'referred'],
    ['identity-failed', null, 'identity-failed'],
  ] as const)('%s (waiting for %s) → %s', (status, waitingFor, code) => {
    expect(nextStep({ status, waitingFor, startsAt: null, roomOpensAt: null, offer: null }).code).toBe(code);
  });

  it('from the list row alone (no room time known): the meeting starts at its time', () => {
    expect(
      nextStep({ status: 'pre-meeting', waitingFor: null, startsAt: slot.startsAt, roomOpensAt: null, offer: null }),
    ).toEqual({ code: 'meeting-starts', at: slot.startsAt });
  });
});
