/** The encounter's message handlers: each validator guards the step and the caller, each handler acts and records. */
import { condition } from '@temporalio/workflow';
import { stockholmDateOf } from '../domain/dates';
import { assessEligibility, ELIGIBILITY_KEYS } from '../domain/eligibility';
import * as m from './encounter.messages';
import { EncounterMachine, reject } from './encounter.state';
import { setHandler } from './payload-origin';

type Presence = { role: 'patient' | 'clinician'; source: string };

/** Registers every handler; call before the workflow's first await (STYLE.md determinism rules). */
export function registerEncounterHandlers(s: EncounterMachine): void {
  const st = s.state;
  const { acts, id: encounterId } = s;
  setHandler(m.stateQuery, () => s.snapshot());

  setHandler(
    m.answerEligibilityUpdate,
    async ({ actor, answers }) => {
      const result = assessEligibility(answers);
      await s.exclusive('eligibility', () =>
        acts.recordEligibility({ encounterId, clinicianId: actor.id, answers: { ...answers }, ...result }),
      );
      s.eligibility = result;
      s.record(
        'eligibility-answered',
        actor,
        result.eligible ? 'eligible' : 'not-eligible',
        result.eligible ? undefined : { reasons: result.reasons },
      );
      await condition(() => st.status !== 'eligibility');
      return s.snapshot();
    },
    {
      validator: ({ actor, answers }) => {
        s.expectStep('eligibility');
        s.expectRole(actor, 'clinician');
        for (const k of ELIGIBILITY_KEYS) {
          if (typeof answers?.[k] !== 'boolean')
            throw reject('Invalid', `answers.${k} must be true or false`, `answers.${k}`);
        }
      },
    },
  );

  setHandler(
    m.recordIdentityUpdate,
    async ({ actor, claims }) => {
      const decision = await s.exclusive('identity', () =>
        acts.checkIdentity({ encounterId, claims, date: stockholmDateOf(s.now()) }),
      );
      const detail = { method: claims.method, loa: claims.loa };
      if (decision.allowed) {
        st.identity = { personnummer: claims.personnummer, actingAs: decision.actingAs };
        s.record('identity-verified', actor, decision.actingAs, detail);
      } else {
        s.identityRefusal = `${decision.reason}: ${decision.message}`;
        s.record('identity-refused', actor, decision.reason, detail);
      }
      await condition(() => st.status !== 'identity');
      return s.snapshot();
    },
    {
      validator: ({ actor, claims }) => {
        s.expectStep('identity');
        s.expectRole(actor, 'patient', 'guardian', 'system');
        if (typeof claims?.personnummer !== 'string')
          throw reject('Invalid', 'claims.personnummer is required', 'claims.personnummer');
      },
    },
  );

  setHandler(
    m.bookUpdate,
    async ({ actor, slotId }) => {
      const slot = await s.exclusive('booking', () => acts.reserveSlot({ encounterId, slotId }));
      s.setSlot(slot);
      s.record('booked', actor, 'reserved', { slotId, startsAt: slot.startsAt });
      await condition(() => st.status !== 'booking');
      return s.snapshot();
    },
    { validator: ({ actor }) => (s.expectStep('booking'), s.expectRole(actor, 'admin', 'patient', 'guardian')) },
  );

  setHandler(
    m.rescheduleUpdate,
    async ({ actor, slotId }) => {
      const late = s.isLate(actor);
      const slot = await s.exclusive('reschedule', async () => {
        const reserved = await acts.reserveSlot({ encounterId, slotId });
        if (late) await s.chargeLateCancel();
        return reserved;
      });
      const from = st.slot?.startsAt;
      s.setSlot(slot);
      s.record('rescheduled', actor, late ? 'late' : 'in-time', { from, to: slot.startsAt });
      await s.project();
      return s.snapshot();
    },
    {
      validator: ({ actor, slotId }) => {
        s.expectStep('pre-meeting');
        s.expectRole(actor, 'admin', 'patient', 'guardian');
        if (slotId === st.slot?.slotId) throw reject('Invalid', 'the encounter already has this slot', 'slotId');
      },
    },
  );

  setHandler(
    m.confirmChecklistUpdate,
    async ({ actor }) => {
      st.checklistConfirmed = true;
      s.record('checklist-confirmed', actor, 'confirmed');
      return s.snapshot();
    },
    {
      validator: ({ actor, items }) => {
        s.expectStep('pre-meeting', 'video');
        s.expectBookedClinician(actor);
        for (const k of m.CHECKLIST_ITEMS) {
          if (items?.[k] !== true)
            throw reject(
              'Invalid',
              `checklist item '${k}' (${m.CHECKLIST_LABELS_SV[k]}) is not confirmed`,
              `items.${k}`,
            );
        }
      },
    },
  );

  // Janus may repeat or reorder events: only a change of presence is recorded.
  const present = (role: Presence['role']) => (role === 'patient' ? st.patientPresent : st.clinicianPresent);
  const setPresent = (role: Presence['role'], value: boolean) =>
    role === 'patient' ? (st.patientPresent = value) : (st.clinicianPresent = value);
  setHandler(m.participantJoinedSignal, ({ role, source }: Presence) => {
    if (st.status !== 'video' || st.sessionEndedAt || present(role)) return;
    setPresent(role, true);
    if (role === 'clinician') return s.record('clinician-joined', { id: source, role: 'system' });
    s.patientEverJoined = true;
    s.record('patient-joined', { id: source, role: 'system' }, st.sessionStartedAt ? 'in-session' : 'waiting-room');
  });
  setHandler(m.participantLeftSignal, ({ role, source }: Presence) => {
    if (st.status !== 'video' || !present(role)) return;
    setPresent(role, false);
    s.record(`${role}-left`, { id: source, role: 'system' });
  });

  const videoFailed = async (role: string, detail: string, source: string) => {
    if (s.videoFailureRecorded) return;
    s.videoFailureRecorded = true;
    await s.recordVideoFailure(`Video failed for the ${role}: ${detail}`);
    // On the timeline once the deviation exists, as with every other step that writes one.
    s.record('video-problem', { id: source, role: 'system' }, detail, { role });
  };
  setHandler(m.videoProblemSignal, async ({ role, detail, source }) => {
    if (st.status !== 'video' || st.sessionEndedAt) return;
    await videoFailed(role, detail, source);
  });
  setHandler(m.mediaStateSignal, async ({ role, up, source }) => {
    // Only during the admitted session; only changes count (Janus repeats itself).
    if (st.status !== 'video' || !st.sessionStartedAt || st.sessionEndedAt || s.mediaDown[role] === !up) return;
    s.mediaDown[role] = !up;
    s.record(up ? 'media-up' : 'media-down', { id: source, role: 'system' }, role);
    if (up) return;
    // A short drop is normal network weather; only one that lasts is a video failure.
    const grace = s.policy.mediaDownGraceSeconds ?? 20;
    const settled = await condition(
      () => !s.mediaDown[role] || st.sessionEndedAt !== null || st.status !== 'video' || !present(role),
      grace * 1000,
    );
    if (!settled) await videoFailed(role, `no video received for ${grace} s`, source);
  });

  setHandler(
    m.admitPatientUpdate,
    async ({ actor }) => {
      st.sessionStartedAt = s.now();
      st.waitingFor = 'end-meeting';
      s.record('patient-admitted', actor, 'in-session');
      await s.project();
      return s.snapshot();
    },
    {
      validator: ({ actor }) => {
        s.expectStep('video');
        s.expectBookedClinician(actor);
        if (!st.checklistConfirmed)
          throw reject('WrongStep', 'confirm the pre-meeting checklist before admitting the patient');
        if (!st.patientPresent) throw reject('WrongStep', 'the patient is not in the waiting room');
        if (st.sessionStartedAt) throw reject('WrongStep', 'the patient is already admitted');
      },
    },
  );

  setHandler(
    m.switchToPhoneUpdate,
    async ({ actor, error }) => {
      await s.exclusive('phone', () => s.recordVideoFailure(`Video failed, switched to phone: ${error}`));
      st.modality = 'phone';
      s.patientEverJoined = true;
      st.sessionStartedAt ??= s.now();
      s.record('switched-to-phone', actor, 'phone', { error });
      await s.project();
      return s.snapshot();
    },
    { validator: ({ actor }) => (s.expectStep('video'), s.expectBookedClinician(actor)) },
  );

  setHandler(
    m.endSessionUpdate,
    async ({ actor }) => {
      st.sessionEndedAt = s.now();
      s.record('session-ended', actor, st.modality);
      await condition(() => st.status !== 'video');
      return s.snapshot();
    },
    {
      validator: ({ actor }) => {
        s.expectStep('video');
        s.expectBookedClinician(actor);
        if (!st.sessionStartedAt) throw reject('WrongStep', 'the session has not started');
      },
    },
  );

  setHandler(
    m.submitJournalNoteUpdate,
    async ({ actor, text }) => {
      const contactDate = stockholmDateOf(st.sessionStartedAt ?? s.now());
      const note = { encounterId, authorId: actor.id, authorName: actor.name, text, contactDate };
      const { noteId } = await s.exclusive('journal note', () => acts.writeJournalNote(note));
      st.journalNoteId = noteId;
      s.record('journal-note-written', actor, 'signed', { noteId, visitType: 'Digitalt vårdmöte', contactDate });
      await condition(() => s.terminal);
      return s.snapshot();
    },
    {
      validator: ({ actor, text }) => {
        s.expectStep('documentation');
        s.expectBookedClinician(actor);
        if (st.journalNoteId) throw reject('WrongStep', 'the journal note is already written');
        if (typeof text !== 'string' || text.trim().length === 0)
          throw reject('Invalid', 'text must not be empty', 'text');
      },
    },
  );

  setHandler(
    m.cancelUpdate,
    async ({ actor, reason }) => {
      s.cancelRequest = { actor, reason, late: s.isLate(actor) };
      await condition(() => s.terminal);
      return s.snapshot();
    },
    {
      validator: ({ actor, reason }) => {
        s.expectStep('requested', 'eligibility', 'identity', 'booking', 'pre-meeting', 'video');
        s.expectRole(actor, 'admin', 'patient', 'guardian', 'clinician');
        if (st.sessionStartedAt) throw reject('WrongStep', 'the meeting has already started');
        if (s.cancelRequest) throw reject('WrongStep', 'the encounter is already being cancelled');
        if (typeof reason !== 'string' || !reason.trim()) throw reject('Invalid', 'reason must not be empty', 'reason');
      },
    },
  );
}
