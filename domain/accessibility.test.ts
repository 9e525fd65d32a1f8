/** The barrier report's fields and the page it names: paths on this site only, no meeting token. */
import {
  checkBarrierReport,
  DESCRIPTION_MAX,
  PAGE_MAX,
  prefillPage,
  reportablePath,
  sitePath,
  statementLink,
} from './accessibility';

const KEY = '3f2b8c1e-6a4d-4e1f-9b2a-5c7d8e9f0a1b';

describe('sitePath', () => {
  it.each(['/mina-sidor', '/admin/encounters?status=booked', '/meet/room/abc'])('takes %s', (p) => {
    expect(sitePath(p)).toBe(p);
  });
  it('refuses a path longer than PAGE_MAX', () => {
    expect(sitePath(`/${'a'.repeat(PAGE_MAX)}`)).toBeNull();
  });
  it.each([
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example/',
    'mina-sidor',
    '/a b',
    '/a\u0000b',
    42,
    ['/a'],
  ])('refuses %p', (p) => {
    expect(sitePath(p)).toBeNull();
  });
});

describe('reportablePath', () => {
  it("keeps a meeting link's token out of the report and drops the query", () => {
    expect(reportablePath('/meet/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde')).toBe('/meet');
    expect(reportablePath('/meet/room/7a1c0a57-1111-4111-8111-111111111111')).toBe(
      '/meet/room/7a1c0a57-1111-4111-8111-111111111111',
    );
    expect(reportablePath('/login?returnTo=%2Fadmin')).toBe('/login');
  });
});

describe('statementLink', () => {
  it('names the page it is followed from, but not the statement itself', () => {
    expect(statementLink('/admin/deviations')).toBe('/tillganglighet?sida=%2Fadmin%2Fdeviations');
    expect(statementLink('/meet/secret-token-of-43-characters-xxxxxxxxxx')).toBe('/tillganglighet?sida=%2Fmeet');
    expect(statementLink('/tillganglighet')).toBe('/tillganglighet');
    expect(statementLink('/tillganglighet/tack')).toBe('/tillganglighet');
  });
});

describe('prefillPage', () => {
  const site = 'https://vardmote.region.example';
  it('takes ?sida= when it is a path here, else a Referer from this site', () => {
    expect(prefillPage('/mina-sidor', undefined, site)).toBe('/mina-sidor');
    expect(prefillPage(undefined, `${site}/admin/encounters?q=1`, site)).toBe('/admin/encounters');
    expect(prefillPage('https://evil.example/', `${site}/login`, site)).toBe('/login');
  });
  it('prefills nothing from another site, a broken Referer or the statement itself', () => {
    expect(prefillPage(undefined, 'https://evil.example/mina-sidor', site)).toBeNull();
    expect(prefillPage(undefined, 'not a url', site)).toBeNull();
    expect(prefillPage(undefined, `${site}/tillganglighet`, site)).toBeNull();
    expect(prefillPage(undefined, undefined, site)).toBeNull();
  });
});

describe('checkBarrierReport', () => {
  it('takes a description alone, trimmed', () => {
    expect(checkBarrierReport({ description: '  Knappen går inte att nå med tabb.  ' })).toEqual({
      ok: true,
      report: { description: 'Knappen går inte att nå med tabb.', page: null, contact: null, key: null },
    });
  });

  it('normalises a phone number to E.164, keeps a mail address, and strips a meeting token from the page', () => {
    const phone = checkBarrierReport({ description: 'x', page: '/meet/tok', contact: '070-123 45 67', key: KEY });
    expect(phone).toEqual({
      ok: true,
      report: { description: 'x', page: '/meet', contact: '+46701234567', key: KEY },
    });
    const mail = checkBarrierReport({ description: 'x', page: '', contact: 'anna.svensson@example.se' });
    expect(mail.ok && mail.report.contact).toBe('anna.svensson@example.se');
  });

  it.each([
    ['no description', {}, 'description'],
    ['a blank description', { description: '   ' }, 'description'],
    ['a description sent twice', { description: ['a', 'b'] }, 'description'],
    ['a description too long', { description: 'x'.repeat(DESCRIPTION_MAX + 1) }, 'description'],
    ['a NUL in the description', { description: 'a\u0000b' }, 'description'],
    ['a page on another site', { description: 'x', page: 'https://evil.example/' }, 'page'],
    ['a protocol-relative page', { description: 'x', page: '//evil.example' }, 'page'],
    ['a page that is not text', { description: 'x', page: { a: 1 } }, 'page'],
    ['a contact that is neither', { description: 'x', contact: 'inte en adress' }, 'contact'],
    ['half a mail address', { description: 'x', contact: 'anna@' }, 'contact'],
    ['too short a number', { description: 'x', contact: '123' }, 'contact'],
    ['too long a contact', { description: 'x', contact: `${'a'.repeat(250)}@example.se` }, 'contact'],
    ['a key that is not a UUID', { description: 'x', key: 'not-a-uuid' }, 'key'],
  ])('refuses %s (naming the field)', (_name, body, field) => {
    const r = checkBarrierReport(body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.field).toBe(field);
  });

  it('refuses a body that is not an object as a missing description', () => {
    expect(checkBarrierReport(null)).toMatchObject({ ok: false, field: 'description' });
  });
});
