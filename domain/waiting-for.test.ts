import fs from 'node:fs';
import path from 'node:path';
import { WAITING_LABELS } from './labels';
import { WAITING_FOR, WAITING_FOR_LABELS_SV, waitingForCode, waitingForLabel } from './waiting-for';

const HISTORIES = path.resolve(__dirname, '..', 'test', 'histories');

/** Every `waitingFor` value in the clear payloads of the recorded histories. */
function recordedValues(): Set<string> {
  const found = new Set<string>();
  for (const file of fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'))) {
    JSON.stringify(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')), (k, v) => {
      if (k === 'data' && typeof v === 'string') {
        for (const m of Buffer.from(v, 'base64')
          .toString('utf8')
          .matchAll(/"waitingFor":"([^"]*)"/g))
          found.add(m[1]);
      }
      return v;
    });
  }
  return found;
}

it('every code has a Swedish label that completes "väntar på att …"', () => {
  for (const code of WAITING_FOR)
    expect([code, WAITING_FOR_LABELS_SV[code]]).toEqual([code, expect.stringMatching(/ ska /)]);
});

it('every sentence in the recorded histories maps to a code with its label', () => {
  const values = recordedValues();
  expect(values.size).toBeGreaterThanOrEqual(8);
  for (const v of values) {
    const code = waitingForCode(v);
    expect([v, (WAITING_FOR as readonly string[]).includes(code!)]).toEqual([v, true]);
    expect(waitingForLabel(v)).toBe(WAITING_FOR_LABELS_SV[code as (typeof WAITING_FOR)[number]]);
  }
});

it("the labels are the back office's words for the old sentences", () => {
  for (const [sentence, label] of Object.entries(WAITING_LABELS)) expect(waitingForLabel(sentence)).toBe(label);
});

it('codes stay themselves, nothing stays nothing, and an unknown value passes through without a label', () => {
  expect(waitingForCode('admit-patient')).toBe('admit-patient');
  expect(waitingForCode('clinician: admit the patient')).toBe('admit-patient');
  expect(waitingForCode(null)).toBeNull();
  expect(waitingForCode('somebody: something new')).toBe('somebody: something new');
  expect(waitingForLabel('somebody: something new')).toBeNull();
  expect(waitingForLabel(undefined)).toBeNull();
});
