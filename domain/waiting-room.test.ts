/** The waiting-room alert's rule and its Swedish sentences, in Europe/Stockholm. */
import { bannerText, patientWaitingNotes, titlePrefix, waitingAlert } from './waiting-room';

const base = {
  status: 'video' as const,
  patientPresent: true,
  clinicianPresent: false,
  sessionStartedAt: null,
  slot: {
    slotId: 's',
    clinicianId: 'c',
    startsAt: '2026-12-07T13:00:00Z',
    endsAt: '2026-12-07T13:20:00Z',
    bookedAt: '',
  },
  timeline: [
    {
      step: 'video' as const,
      event: 'patient-joined',
      actor: { id: 'x', role: 'system' as const },
      at: '2026-12-07T12:58:00Z',
    },
    {
      step: 'video' as const,
      event: 'patient-joined',
      actor: { id: 'x', role: 'system' as const },
      at: '2026-12-07T13:03:00Z',
    },
  ],
};
const later = new Date('2026-12-07T13:05:00Z');

it('alerts while the patient waits unnoticed, from the latest join, with the start in Stockholm time', () => {
  expect(waitingAlert(base, later)).toEqual({
    since: '2026-12-07T13:03:00Z',
    dueAt: '2026-12-07T13:00:00Z',
    text: 'Patienten väntar i väntrummet sedan 14:03 – mötet skulle börja 14:00',
  });
});

it("takes the workflow's waiting-room mark when it has one", () => {
  const s = { ...base, waitingRoom: { since: '2026-12-07T13:01:00Z', alertedAt: null } };
  expect(waitingAlert(s, later)?.text).toBe('Patienten väntar i väntrummet sedan 14:01 – mötet skulle börja 14:00');
});

it('is quiet once the clinician is in the meeting, the session started, or the patient left', () => {
  expect(waitingAlert({ ...base, clinicianPresent: true }, later)).toBeNull();
  expect(waitingAlert({ ...base, sessionStartedAt: '2026-12-07T13:04:00Z' }, later)).toBeNull();
  expect(waitingAlert({ ...base, patientPresent: false }, later)).toBeNull();
  expect(waitingAlert({ ...base, status: 'pre-meeting' }, later)).toBeNull();
});

it('says "börjar" for a patient who came early, and counts waiting patients in the title', () => {
  expect(bannerText('2026-07-01T11:55:00Z', '2026-07-01T12:00:00Z', new Date('2026-07-01T11:56:00Z'))).toBe(
    'Patienten väntar i väntrummet sedan 13:55 – mötet börjar 14:00',
  );
  expect(titlePrefix(0)).toBeNull();
  expect(titlePrefix(1)).toBe('(1) Patient väntar');
  expect(titlePrefix(2)).toBe('(2) Patienter väntar');
});

it('tells the patient when the meeting was due, and when the clinician was told', () => {
  expect(patientWaitingNotes('2026-12-07T13:00:00Z', null, later)).toEqual(['Mötet skulle börja 14:00.']);
  expect(patientWaitingNotes('2026-12-07T13:00:00Z', '2026-12-07T13:08:00Z', later)).toEqual([
    'Mötet skulle börja 14:00.',
    'Vårdgivaren har fått besked att du väntar (14:08).',
  ]);
});
