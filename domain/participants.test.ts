/** Participants beyond patient and clinician (issue 26; ARCHITECTURE.md "Participants"; RULES.md §2, §5, §10). */
import * as P from './participants';

const AT = '2026-12-07T13:00:00.000Z';
const interpreter: P.Invitation = {
  kind: 'interpreter',
  name: 'Amal Haddad',
  language: 'arabiska',
  personnummer: '19850101-2384',
};
const relative: P.Invitation = { kind: 'relative', name: 'Eva Andersson', personnummer: '19520303-4562' };
const colleague: P.Invitation = {
  kind: 'colleague',
  name: 'Dr Lena Berg',
  unit: { id: 'u2', name: 'Ortopedkliniken' },
};

const waiting = (inv: P.Invitation, by: P.InvitedBy = 'staff', id = inv.kind) =>
  P.joined(P.invite(inv, id, by, AT), AT);

describe('who may be invited, the refusal naming the field', () => {
  it('accepts an interpreter with a language, a relative and a colleague of another unit', () => {
    expect(P.checkInvitation(interpreter, 'staff', [])).toBeNull();
    expect(P.checkInvitation(relative, 'staff', [])).toBeNull();
    expect(P.checkInvitation(relative, 'patient', [])).toBeNull();
    expect(P.checkInvitation(colleague, 'staff', [])).toBeNull();
  });

  it('refuses an unknown kind, a missing name or an interpreter without a language', () => {
    expect(P.checkInvitation({ ...interpreter, kind: 'cousin' as P.ParticipantKind }, 'staff', [])?.field).toBe('kind');
    expect(P.checkInvitation({ ...relative, name: '  ' }, 'staff', [])?.field).toBe('name');
    expect(P.checkInvitation({ ...interpreter, language: undefined }, 'staff', [])?.field).toBe('language');
  });

  it("lets the patient's side invite a relative only (an interpreter or colleague is booked by staff)", () => {
    expect(P.checkInvitation(interpreter, 'patient', [])).toMatchObject({ refused: 'WrongActor', field: 'kind' });
    expect(P.checkInvitation(colleague, 'patient', [])).toMatchObject({ refused: 'WrongActor', field: 'kind' });
  });

  it('binds e-ID (RULES §5, LoA3 through the patient IdP) to the normalised personnummer (RULES §4), once per encounter', () => {
    expect(P.checkInvitation({ ...relative, personnummer: '195203034562' }, 'staff', [])?.field).toBe('personnummer');
    const already = [P.invite(relative, 'r1', 'staff', AT)];
    expect(P.checkInvitation(relative, 'staff', already)?.field).toBe('personnummer');
    expect(P.checkInvitation(relative, 'staff', [P.removed(already[0], AT)])).toBeNull();
  });

  it('a colleague logs in as staff of its unit; nobody else does', () => {
    expect(P.checkInvitation({ ...colleague, unit: undefined }, 'staff', [])?.field).toBe('unit');
    expect(P.checkInvitation({ ...colleague, identification: 'e-id' }, 'staff', [])?.field).toBe('identification');
    expect(P.checkInvitation({ ...relative, identification: 'staff-login' }, 'staff', [])?.field).toBe(
      'identification',
    );
  });

  it('a one-time code is for an interpreter without Swedish e-ID, to a Swedish mobile or a mail address', () => {
    const code = {
      kind: 'interpreter' as const,
      name: 'A',
      language: 'tigrinja',
      identification: 'one-time-code' as const,
    };
    expect(P.checkInvitation(code, 'staff', [])?.field).toBe('contact');
    expect(P.checkInvitation({ ...code, contact: { sms: '0701234567' } }, 'staff', [])?.field).toBe('contact.sms');
    expect(P.checkInvitation({ ...code, contact: { sms: '+46701234567' } }, 'staff', [])).toBeNull();
    expect(P.checkInvitation({ ...code, contact: { email: 'tolk@example.se' } }, 'staff', [])).toBeNull();
    expect(P.checkInvitation({ ...relative, identification: 'one-time-code' }, 'staff', [])?.field).toBe(
      'identification',
    );
  });
});

describe('invited → (accepted) → waiting → admitted → left / removed', () => {
  it('a relative staff invited waits for the patient; one the patient invited is accepted at once', () => {
    expect(P.invite(relative, 'r', 'staff', AT)).toMatchObject({ status: 'invited', acceptedAt: null });
    expect(P.invite(relative, 'r', 'patient', AT)).toMatchObject({ status: 'accepted', acceptedAt: AT });
    expect(P.invite(interpreter, 'i', 'staff', AT)).toMatchObject({ status: 'accepted', identification: 'e-id' });
    expect(P.invite(colleague, 'c', 'staff', AT)).toMatchObject({
      identification: 'staff-login',
      unit: colleague.unit,
    });
  });

  it('a relative is not admitted before the patient accepts', () => {
    const r = waiting(relative);
    expect(P.checkAdmit(r, [r], 6)).toMatchObject({ refused: 'WrongStep' });
    expect(P.checkAccept(r)).toBeNull();
    const accepted = { ...r, acceptedAt: AT };
    expect(P.checkAdmit(accepted, [accepted], 6)).toBeNull();
    expect(P.checkAccept(accepted)).toMatchObject({ refused: 'WrongStep' });
    expect(P.checkAccept(waiting(interpreter))).toMatchObject({ refused: 'WrongStep' });
  });

  it('only a participant in its own waiting room is admitted, one by one', () => {
    const invited = P.invite(interpreter, 'i', 'staff', AT);
    expect(P.checkAdmit(invited, [invited], 6)?.message).toMatch(/waiting room/);
    const w = P.joined(invited, AT);
    expect(w).toMatchObject({ status: 'waiting', joinedAt: AT });
    const a = P.admitted(w, AT);
    expect(a).toMatchObject({ status: 'admitted', tookPart: true });
    expect(P.checkAdmit(a, [a], 6)?.message).toMatch(/already admitted/);
  });

  it('leaving and coming back means waiting for admission again; a removed participant stays out', () => {
    const a = P.admitted(waiting(interpreter), AT);
    const l = P.left(a, AT);
    expect(l.status).toBe('left');
    expect(P.joined(l, AT).status).toBe('waiting');
    const r = P.removed(a, AT);
    expect(P.joined(r, AT)).toBe(r);
    expect(P.checkAdmit(r, [r], 6)?.message).toMatch(/removed/);
    expect(P.checkRemove(r)).toMatchObject({ refused: 'WrongStep' });
  });
});

describe('room capacity (VIDEO_MAX_PARTICIPANTS, patient and clinician included)', () => {
  it('counts patient and clinician and each admitted participant', () => {
    const a = P.admitted(waiting(interpreter), AT);
    expect(P.inRoom([])).toBe(2);
    expect(P.inRoom([a, waiting(colleague)])).toBe(3);
  });

  it('refuses the admission that would pass the maximum', () => {
    const a = P.admitted(waiting(interpreter), AT);
    const c = waiting(colleague);
    expect(P.checkAdmit(c, [a, c], 3)?.message).toMatch(/room is full \(at most 3/);
    expect(P.checkAdmit(c, [a, c], 4)).toBeNull();
  });

  it('keeps the configured maximum between two and twelve (default six)', () => {
    expect(P.maxInRoom(undefined)).toBe(6);
    expect(P.maxInRoom(1)).toBe(2);
    expect(P.maxInRoom(50)).toBe(12);
  });
});

describe('what the end of the meeting makes of participants', () => {
  it('an interpreter who never came to the waiting room is a no-show of its own (not a removed one, not one who came)', () => {
    const never = P.invite(interpreter, 'i1', 'staff', AT);
    const came = P.left(
      P.joined(P.invite({ ...interpreter, personnummer: '19900101-9802' }, 'i2', 'staff', AT), AT),
      AT,
    );
    const removed = P.removed(P.invite({ ...interpreter, personnummer: '19920202-9811' }, 'i3', 'staff', AT), AT);
    expect(P.interpreterNoShows([never, came, removed, P.invite(relative, 'r', 'staff', AT)]).map((p) => p.id)).toEqual(
      ['i1'],
    );
  });

  it('the colleague of another unit who took part gives that unit its own registration (RULES §10 digifysisk)', () => {
    const took = P.admitted(waiting(colleague), AT);
    expect(P.otherUnitsThatTookPart([took, waiting({ ...colleague, unit: { id: 'u3', name: 'X' } })])).toEqual([
      { id: 'u2', name: 'Ortopedkliniken' },
    ]);
  });

  it('the note lists who took part with name, role and unit (RULES §9: who was there)', () => {
    const list = P.noteParticipants([
      P.admitted(waiting(interpreter), AT),
      P.admitted(waiting(colleague), AT),
      waiting(relative),
    ]);
    expect(list).toEqual([
      { name: 'Amal Haddad', role: 'Tolk (arabiska)' },
      { name: 'Dr Lena Berg', role: 'Vårdgivare från annan enhet', unit: 'Ortopedkliniken' },
    ]);
    expect(P.participantsSection('guardian', { name: 'Maria Test', unit: 'VC Söder' }, list)).toBe(
      [
        'Deltagare i mötet:',
        '- Patienten, företrädd av vårdnadshavare',
        '- Maria Test, ansvarig vårdgivare, VC Söder',
        '- Amal Haddad, Tolk (arabiska)',
        '- Dr Lena Berg, Vårdgivare från annan enhet, Ortopedkliniken',
      ].join('\n'),
    );
  });

  it('has a Swedish label for every kind and status', () => {
    for (const k of P.PARTICIPANT_KINDS) expect(P.PARTICIPANT_KIND_LABELS_SV[k]).toMatch(/^[A-ZÅÄÖ]/);
    for (const s of P.PARTICIPANT_STATUSES) expect(P.PARTICIPANT_STATUS_LABELS_SV[s]).toMatch(/^[A-ZÅÄÖ]/);
  });
});
