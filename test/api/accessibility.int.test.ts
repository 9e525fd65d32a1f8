/**
 * The accessibility statement (issue 28, DOS-lagen): open to everyone in DIGG's structure, linked from
 * every layout's footer, and its form: a report is one deviation of its own category, bad input a 400
 * naming the field with nothing written, and the organisation's quality lead closes it in Avvikelser.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ensureStaff } from '../../db/staff';
import { testApp } from '../../testkit/app';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';
import { useApiStack } from '../support/app';

const stack = useApiStack();

/** The footer's link to the statement, as the browser reads it (Handlebars escapes '=' in attributes). */
const footerLink = (html: string) =>
  /<footer class="site-footer">\s*<a href="([^"]+)">Tillgänglighet<\/a>/.exec(html)?.[1].replace(/&#x3D;/g, '=');

const db = () => stack.ctx.orm.em.fork();
const reportsWith = (description: string) =>
  db().execute<
    Array<{
      id: string;
      category: string;
      severity: string;
      status: string;
      encounter_id: string | null;
      thread_id: string | null;
      page: string | null;
      reporter_contact: string | null;
    }>
  >(
    'select id, category, severity, status, encounter_id, thread_id, page, reporter_contact from deviation where description = ?',
    [description],
  );
const barrierCount = async () =>
  Number(
    (
      await db().execute<Array<{ n: string }>>(
        "select count(*) as n from deviation where category = 'accessibility-barrier'",
      )
    )[0].n,
  );

it('answers without a login, with each of DIGG’s sections, the supervisor, the date and the report form', async () => {
  const res = await request(stack.app).get('/tillganglighet').set('accept', 'text/html').expect(200);
  const headings = [...res.text.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1]);
  expect(headings).toEqual(
    expect.arrayContaining([
      'Hur tillgänglig är webbplatsen?',
      'Innehåll som inte är tillgängligt',
      'Hur vi testat webbplatsen',
      'Rapportera brister i webbplatsens tillgänglighet',
      'Tillsyn',
    ]),
  );
  expect(res.text).toContain('delvis förenlig med nivå AA i standarden WCAG 2.1');
  expect(res.text).toContain('href="https://www.digg.se/tdosanmalan"');
  expect(res.text).toContain('Myndigheten för digital förvaltning');
  expect(res.text).toMatch(/uppdaterades senast den <time datetime="\d{4}-\d{2}-\d{2}">/);
  expect(res.text).toContain('<form method="post" action="/tillganglighet"');
  expect(res.text).toContain(stack.ctx.config.finance.payee);
  // No session, no token; and without ACCESSIBILITY_EMAIL no mail address.
  expect(res.text).not.toContain('name="_csrf"');
  expect(res.text).not.toContain('mailto:');
});

it('gives the mail address of ACCESSIBILITY_EMAIL when it is set', async () => {
  const app = testApp({
    ...stack.ctx,
    config: { ...stack.ctx.config, accessibility: { email: 'tillganglighet@region.example.se' } },
  });
  try {
    const res = await request(app).get('/tillganglighet').expect(200);
    expect(res.text).toContain('href="mailto:tillganglighet@region.example.se"');
  } finally {
    await app.close();
  }
});

it('prefills the page from ?sida= or a Referer of this site, never from another site', async () => {
  const pageField = async (query: string, referer?: string) => {
    const t = request(stack.app).get(`/tillganglighet${query}`);
    const res = await (referer ? t.set('referer', referer) : t).expect(200);
    return /<input id="report-page" name="page"[^>]* value="([^"]*)"/.exec(res.text)?.[1];
  };
  const site = stack.ctx.config.web.publicUrl;
  expect(await pageField('?sida=%2Fmina-sidor%2Favgifter')).toBe('/mina-sidor/avgifter');
  expect(await pageField('', `${site}/admin/encounters?status=booked`)).toBe('/admin/encounters');
  expect(await pageField('?sida=https%3A%2F%2Fevil.example%2F')).toBe('');
  expect(await pageField('', 'https://evil.example/mina-sidor')).toBe('');
});

it('links every layout’s footer to the statement: a staff page, a patient page, the meeting layout and the error page', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const staff = await login(stack.app, { hsaId: f.staff.careAdmin });
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const anyone = request(stack.app);

  expect(footerLink((await staff.get('/admin').expect(200)).text)).toBe('/tillganglighet?sida=%2Fadmin');
  expect(footerLink((await patient.get('/mina-sidor').expect(200)).text)).toBe('/tillganglighet?sida=%2Fmina-sidor');
  expect(footerLink((await anyone.get('/login').expect(200)).text)).toBe('/tillganglighet?sida=%2Flogin');
  // The meeting's way in (meet layout): the link's token is a key to the meeting and stays out of the footer.
  const token = 'x'.repeat(43);
  const meeting = await anyone.get(`/meet/${token}`).set('accept', 'text/html');
  expect(meeting.status).toBe(404);
  expect(footerLink(meeting.text)).toBe('/tillganglighet?sida=%2Fmeet');
  expect(meeting.text).not.toContain(`sida&#x3D;%2Fmeet%2F${token}`);
  const missing = await anyone.get('/finns-inte').set('accept', 'text/html').expect(404);
  expect(footerLink(missing.text)).toBe('/tillganglighet?sida=%2Ffinns-inte');
  expect(footerLink((await anyone.get('/tillganglighet').expect(200)).text)).toBe('/tillganglighet');
});

it('makes a report from someone not logged in exactly one deviation of its own category, logged, then a Swedish receipt', async () => {
  const description = `Knappen "Anslut" går inte att nå med tabb (${randomUUID()})`;
  const form = { description, page: '/mina-sidor', contact: '070-123 45 67', key: randomUUID() };
  const res = await request(stack.app).post('/tillganglighet').type('form').send(form).expect(303);
  expect(res.headers.location).toBe('/tillganglighet/tack');
  // The same form sent twice (a double click) is still one report.
  await request(stack.app).post('/tillganglighet').type('form').send(form).expect(303);

  const rows = await reportsWith(description);
  expect(rows).toEqual([
    {
      id: expect.any(String),
      category: 'accessibility-barrier',
      severity: 'medium',
      status: 'new',
      encounter_id: null,
      thread_id: null,
      page: '/mina-sidor',
      reporter_contact: '+46701234567',
    },
  ]);
  const log = await db().execute<Array<{ actor: string; role: string; patient_id: string | null; detail: unknown }>>(
    "select actor, role, patient_id, detail from audit_log where action = 'create' and target = ?",
    [`deviation:${rows[0].id}`],
  );
  expect(log).toEqual([
    { actor: 'anonymous', role: 'anonymous', patient_id: null, detail: { category: 'accessibility-barrier' } },
  ]);

  const receipt = await request(stack.app).get('/tillganglighet/tack').expect(200);
  expect(receipt.text).toContain('<h1 id="receipt-heading">Tack för din rapport</h1>');
  expect(receipt.text).toContain('Vi har tagit emot din rapport');
});

it('takes a logged-in person’s report only with the session’s CSRF token', async () => {
  const f = await makeFixture(stack.ctx.orm, {});
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const description = `Kontrasten är för låg på Mina avgifter (${randomUUID()})`;

  const page = await patient.get('/tillganglighet?sida=%2Fmina-sidor%2Favgifter').expect(200);
  expect(page.text).toContain(`name="_csrf" value="${patient.csrf}"`);
  const forged = await patient.agent.post('/tillganglighet').type('form').send({ description });
  expect(forged.status).toBe(403);
  expect(await reportsWith(description)).toEqual([]);

  await patient
    .post('/tillganglighet')
    .type('form')
    .send({ description, page: '/mina-sidor/avgifter', _csrf: patient.csrf })
    .expect(303);
  const rows = await reportsWith(description);
  expect(rows.map((r) => [r.category, r.page, r.reporter_contact])).toEqual([
    ['accessibility-barrier', '/mina-sidor/avgifter', null],
  ]);
});

describe('bad input: 400 naming the field, nothing written', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no description', { description: '  ', page: '/mina-sidor' }, 'description'],
    ['a description too long', { description: 'x'.repeat(2001) }, 'description'],
    ['a page on another site', { description: 'Sidan laddar inte', page: 'https://evil.example/' }, 'page'],
    ['a protocol-relative page', { description: 'Sidan laddar inte', page: '//evil.example/x' }, 'page'],
    ['a contact that is neither mail nor phone', { description: 'Sidan laddar inte', contact: 'ring mig' }, 'contact'],
    ['a broken form key', { description: 'Sidan laddar inte', key: 'not-a-key' }, 'key'],
  ];

  it.each(cases)('%s: JSON names the field', async (_name, body, field) => {
    const before = await barrierCount();
    const res = await request(stack.app).post('/tillganglighet').set('accept', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation', field });
    expect(res.body.message).toMatch(new RegExp(`^${field}: `));
    expect(await barrierCount()).toBe(before);
  });

  it.each(cases)('%s: the form again, the field marked, what was written kept', async (_name, body, field) => {
    const before = await barrierCount();
    const res = await request(stack.app).post('/tillganglighet').set('accept', 'text/html').type('form').send(body);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<div class="error-summary" role="alert"');
    // The message as a sentence, the summary focused on load (no script needed) so a screen reader reads it.
    expect(res.text).toMatch(/Rapporten skickades inte\.\s*(<a href="[^"]+">)?[A-ZÅÄÖ][^<]*\./);
    expect(res.text).toMatch(/class="error-summary"[^>]*autofocus/);
    if (field !== 'key') {
      expect(res.text).toMatch(new RegExp(`id="report-${field}"[^>]*aria-invalid="true"`));
      expect(res.text).toContain(`href="#report-${field}"`);
    }
    if (body.page) expect(res.text).toContain(`value="${body.page.replace(/=/g, '&#x3D;')}"`);
    expect(await barrierCount()).toBe(before);
  });
});

it('is seen and closed in Avvikelser by the quality lead for every unit; a unit’s quality lead does not see it', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const hsaId = `HSA-qualityLead-all-${randomUUID()}`;
  await ensureStaff(db(), [
    {
      id: randomUUID(),
      hsaId,
      givenName: 'Kvalitet',
      familyName: 'Regionen',
      title: 'Kvalitetsansvarig',
      grants: [{ role: 'quality_lead', careUnitId: null }],
    },
  ]);
  const description = `Videon saknar textning (${randomUUID()})`;
  await request(stack.app)
    .post('/tillganglighet')
    .type('form')
    .send({ description, page: '/meet', contact: 'anna@example.se' })
    .expect(303);
  const [{ id }] = await reportsWith(description);

  const lead = await login(stack.app, { hsaId });
  const list = await lead.get('/admin/deviations?category=accessibility-barrier').expect(200);
  expect(list.text).toContain(`data-deviation="${id}"`);
  expect(list.text).toContain('<td>Tillgänglighetsbrist</td>');
  const shown = await lead.get(`/admin/deviations/${id}`).expect(200);
  expect(shown.text).toContain('<a href="/meet" id="reported-page">/meet</a>');
  expect(shown.text).toContain('<dd id="reporter-contact">anna@example.se</dd>');
  expect(shown.text).toContain('id="close-deviation"');

  await lead
    .post(`/admin/deviations/${id}/review`)
    .type('form')
    .send({ toStatus: 'closed', action: 'Textning finns inte i direktsänd video; redogörelsen säger det.' })
    .expect(303);
  expect((await reportsWith(description))[0].status).toBe('closed');
  expect((await lead.get(`/admin/deviations/${id}`).expect(200)).text).toContain(
    '<span class="badge" id="deviation-status">Avslutad</span>',
  );

  // A report belongs to the site, not to a unit: a quality lead of one unit neither lists nor opens it.
  const unitLead = await login(stack.app, { hsaId: f.staff.qualityLead });
  expect((await unitLead.get('/admin/deviations').expect(200)).text).not.toContain(id);
  await unitLead.get(`/admin/deviations/${id}`).set('accept', 'text/html').expect(404);
});
