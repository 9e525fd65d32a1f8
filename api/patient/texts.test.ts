/** Mina sidor's Swedish words: placeholders filled, spans of time read naturally. */
import { durationSv, NEXT_STEPS_SV, noticeFor, REFUSALS_SV, say } from './texts';

it('fills the placeholders it is given and leaves others visible', () => {
  expect(say(REFUSALS_SV['slot-other-unit'], { mottagning: 'Södermalm' })).toBe(
    'Tiden hör till en annan mottagning. Du kan bara välja en tid hos Södermalm.',
  );
  expect(say('{tid} och {okänd}', { tid: '14:50' })).toBe('14:50 och {okänd}');
});

it('every sentence uses only the placeholders the pages fill', () => {
  const used = [...Object.values(NEXT_STEPS_SV), ...Object.values(REFUSALS_SV)].flatMap((t) =>
    [...t.matchAll(/\{(\w+)\}/g)].map((x) => x[1]),
  );
  expect([...new Set(used)].sort()).toEqual(['mottagning', 'tid', 'yrke']);
});

it('reads a span of time as a patient would', () => {
  expect(durationSv(24 * 3600_000)).toBe('24 timmar');
  expect(durationSv(3600_000)).toBe('1 timme');
  expect(durationSv(90 * 60_000)).toBe('90 minuter');
  expect(durationSv(60_000)).toBe('1 minut');
});

it('knows only its own notices', () => {
  expect(noticeFor('flyttad')).toBe('Tiden är flyttad. Din nya tid står nedan.');
  expect(noticeFor('toString')).toBeNull();
  expect(noticeFor(['flyttad'])).toBeNull();
});
