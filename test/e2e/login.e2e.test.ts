/**
 * Logging in through the embedded test provider in a real browser, as the demo identities listed on
 * its page: who may open a patient's meeting (RULES.md §4 guardian proxy), and what each staff role
 * may see in the back office.
 */
import { BASE, useBrowserStack } from '../support/browser-stack';
import type { Page } from 'playwright-core';
import { DEMO, DemoPatientName, DemoUnitName, seedDemoData } from '../../db/seed';
import { personSub } from '../../scripts/test-idp/identities';
import { stockholmDateOf } from '../../domain/dates';
import { startEncounter } from '../../testkit/drive';
import { login } from '../../testkit/login';
import { newPage } from '../../testkit/meeting';

jest.setTimeout(120_000);

const person = (name: DemoPatientName) => personSub(DEMO.patients[name]);
const staffSub = (hsaId: string) => `staff-${hsaId}`;
const { sodermalm: SODERMALM, boras: BORAS } = DEMO.units;

const stack = useBrowserStack((ctx) => seedDemoData(ctx.orm.em.fork(), stockholmDateOf(new Date()), 1));

/** An encounter for a demo patient at a demo unit, and fresh meeting links from that unit's care administrator. */
async function encounterWithLinks(patient: DemoPatientName, unit: DemoUnitName = 'sodermalm') {
  const { id } = await startEncounter(stack.ctx, { unitId: DEMO.units[unit].id }, DEMO.patients[patient].id);
  const admin = Object.values(DEMO.staff).find((s) =>
    s.grants.some((g: { role: string; unit: string | null }) => g.role === 'care_admin' && g.unit === unit),
  )!;
  const staff = await login(stack.app, { hsaId: admin.hsaId });
  const links = (await staff.post(`/api/encounters/${id}/meeting-links`).expect(201)).body as { patientUrl: string };
  return { id, patientUrl: links.patientUrl.replace(/^http:\/\/[^/]+/, BASE) };
}

/** Opens a URL that needs a login (choosing patient or staff login where asked) and picks a listed identity on the provider's page. */
async function loginAt(page: Page, url: string, sub: string) {
  await page.goto(url);
  if (new URL(page.url()).pathname === '/login')
    await page.click(`a[href^="/login/${sub.startsWith('staff-') ? 'staff' : 'patient'}"]`);
  await page.waitForURL(/\/interaction\//);
  await expect(page.locator('.warning').textContent()).resolves.toContain('Testleverantör');
  await page.click(`button[data-sub="${sub}"]`);
  // Back at the app: the page asked for, or the login's refusal page at the callback.
  await page
    .waitForURL((u) => u.origin === BASE && !u.pathname.startsWith('/login'))
    .catch(async (err: Error) => {
      throw new Error(
        `${err.message}\n  at ${page.url()}: ${(
          await page
            .locator('body')
            .innerText()
            .catch(() => '')
        ).slice(0, 300)}`,
      );
    });
  await page.waitForLoadState('load');
}

const deviations = (encounterId: string) =>
  stack.ctx.orm.em
    .fork()
    .execute<Array<{ category: string; description: string }>>(
      'select category, description from deviation where encounter_id = ?',
      [encounterId],
    );

describe('patients and guardians (RULES.md §4)', () => {
  it("a guardian of a 12-year-old may open the child's meeting", async () => {
    const { patientUrl } = await encounterWithLinks('maja');
    const page = await newPage(stack.browser, 'guardian');
    await loginAt(page, patientUrl, person('johanna'));
    await expect(page.locator('main').textContent()).resolves.toContain('vårdnadshavare för Maja Berglund');
    await page.click('#enter');
    await page.waitForURL(/\/meet\/room\//);
    await expect(page.locator('#status-text').isVisible()).resolves.toBe(true);
  });

  it('a guardian of a child with protected identity is refused with a clear message, and it is a deviation', async () => {
    const { id, patientUrl } = await encounterWithLinks('nora');
    const page = await newPage(stack.browser, 'protected');
    await loginAt(page, patientUrl, person('karin'));
    await expect(page.locator('h1').textContent()).resolves.toBe('Du kan inte öppna det här mötet');
    await expect(page.locator('main').textContent()).resolves.toContain('skyddad identitet');
    expect(await page.locator('#enter').count()).toBe(0);
    expect(await deviations(id)).toEqual([
      expect.objectContaining({
        category: 'identity-failure',
        description: expect.stringContaining('child-protected'),
      }),
    ]);
  });

  it('a guardian of a 15-year-old is told the child logs in with their own e-ID', async () => {
    const { patientUrl } = await encounterWithLinks('olle');
    const page = await newPage(stack.browser, 'teen');
    await loginAt(page, patientUrl, person('per'));
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Från 13 år loggar barnet in med sin egen e-legitimation',
    );
  });

  it("the wrong person with a patient's link is refused, and a deviation is recorded", async () => {
    const { id, patientUrl } = await encounterWithLinks('anna');
    const page = await newPage(stack.browser, 'stranger');
    await loginAt(page, patientUrl, person('erik'));
    await expect(page.locator('main').textContent()).resolves.toContain('Du är inte patienten i det här vårdmötet');
    expect(await deviations(id)).toEqual([
      expect.objectContaining({ category: 'identity-failure', description: expect.stringContaining('mismatch') }),
    ]);
    // The patient herself still can: a stranger's attempt did not use the link up.
    const own = await newPage(stack.browser, 'anna');
    await loginAt(own, patientUrl, person('anna'));
    await expect(own.locator('#enter').isVisible()).resolves.toBe(true);
  });

  it('an e-ID below LoA3 is refused at login', async () => {
    const page = await newPage(stack.browser, 'loa2');
    await loginAt(page, `${BASE}/mina-sidor`, `${person('anna')}-loa2`);
    await expect(page.locator('main').textContent()).resolves.toContain('för låg tillitsnivå');
  });
});

describe('staff roles', () => {
  const roles = Object.values(DEMO.staff);
  const may: Record<string, string[]> = {
    care_admin: ['/admin', '/admin/encounters', '/admin/outbox'],
    finance: ['/admin'],
    quality_lead: ['/admin', '/admin/encounters'],
    sysadmin: ['/admin'],
  };
  const pages = ['/admin', '/admin/encounters', '/admin/outbox'];

  it.each(roles.map((r) => [r.grants[0].role, r]))(
    '%s sees what the role may and gets a 403 page for the rest',
    async (role, member) => {
      const page = await newPage(stack.browser, String(role));
      await loginAt(page, `${BASE}/admin`, staffSub(member.hsaId));
      await page.waitForURL(`${BASE}/admin`);
      await expect(page.locator('header .who').textContent()).resolves.toContain(member.familyName);
      for (const path of pages) {
        const res = await page.goto(`${BASE}${path}`);
        if (may[role as string].includes(path)) expect(res!.status()).toBe(200);
        else {
          expect(res!.status()).toBe(403);
          await expect(page.locator('h1').textContent()).resolves.toBe('Ingen behörighet');
        }
      }
      // The menu offers only what the role may open.
      const menu = await page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const path of pages) expect(menu.includes(path)).toBe(may[role as string].includes(path));
    },
  );

  it("a clinician sees only their own unit's encounters, and another unit's encounter is refused", async () => {
    const mine = await startEncounter(stack.ctx, { unitId: SODERMALM.id }, DEMO.patients.anna.id);
    const theirs = await startEncounter(stack.ctx, { unitId: BORAS.id }, DEMO.patients.erik.id);
    // startEncounter writes the encounter row at once, so the list shows both at once.
    const page = await newPage(stack.browser, 'clinician');
    await loginAt(page, `${BASE}/admin/encounters?pageSize=200`, staffSub(DEMO.clinicians.maria.hsaId));
    const html = await page.content();
    expect(html).toContain(`/admin/encounters/${mine.id}`);
    expect(html).not.toContain(`/admin/encounters/${theirs.id}`);
    expect(html).not.toContain(BORAS.name);
    const res = await page.goto(`${BASE}/admin/encounters/${theirs.id}`);
    expect(res!.status()).toBe(403);
  });
});

describe('logout', () => {
  it('Logga ut ends the session here and at the identity provider, and comes back to the logged-out page', async () => {
    const page = await newPage(stack.browser, 'logout');
    const member = DEMO.clinicians.maria;
    await loginAt(page, `${BASE}/admin`, staffSub(member.hsaId));
    const issuer = new URL(stack.ctx.config.oidc.staff!.issuer);
    // The provider's session cookie (on plain http its `.legacy` twin; cookies ignore the port).
    const idpSession = async () =>
      (await page.context().cookies(issuer.origin)).filter((c) => /^_session(\.legacy)?$/.test(c.name) && c.value)
        .length;
    expect(await idpSession()).toBeGreaterThan(0);

    await page.click('form.logout button[type="submit"]');
    // The provider confirms the logout of its own session (the test provider asks; a real one may not).
    await page.waitForURL((u) => u.origin === issuer.origin);
    await expect(page.locator('h1').textContent()).resolves.toBe('Logga ut från testleverantören?');
    await page.click('button[data-logout="yes"]');
    await page.waitForURL(`${BASE}/login?utloggad=1`);
    await expect(page.locator('[role="status"]').textContent()).resolves.toContain('Du är utloggad');
    expect(await idpSession()).toBe(0);
    // Our session is gone too: the back office sends the browser to the login.
    await page.goto(`${BASE}/admin`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
