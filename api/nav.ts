/** The back office's menu: each member of staff sees the pages their roles open. */
import type { Principal } from './auth';
import type { StaffRoleName } from '../db/entities';

const ITEMS: Array<{ href: string; label: string; roles: StaffRoleName[] | 'patient' }> = [
  { href: '/mina-sidor', label: 'Mina vårdmöten', roles: 'patient' },
  { href: '/mina-sidor/meddelanden', label: 'Meddelanden', roles: 'patient' },
  { href: '/mina-sidor/avgifter', label: 'Mina avgifter', roles: 'patient' },
  { href: '/admin', label: 'Översikt', roles: ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'] },
  { href: '/admin/mina-moten', label: 'Mina möten', roles: ['clinician'] },
  { href: '/admin/meddelanden', label: 'Meddelanden', roles: ['clinician', 'care_admin'] },
  { href: '/admin/encounters', label: 'Vårdmöten', roles: ['care_admin', 'clinician', 'quality_lead'] },
  { href: '/admin/deviations', label: 'Avvikelser', roles: ['quality_lead', 'care_admin'] },
  { href: '/admin/followup', label: 'Uppföljning', roles: ['quality_lead', 'care_admin'] },
  { href: '/admin/outbox', label: 'Utkorg', roles: ['care_admin'] },
  { href: '/admin/ekonomi', label: 'Ekonomi', roles: ['finance'] },
  { href: '/admin/registreringar', label: 'Besöksregistrering', roles: ['finance', 'quality_lead'] },
  { href: '/admin/koder', label: 'Registreringskoder', roles: ['sysadmin'] },
  { href: '/admin/paminnelser', label: 'Påminnelser', roles: ['sysadmin'] },
  { href: '/admin/logs', label: 'Loggar', roles: ['quality_lead', 'sysadmin'] },
  { href: '/readyz', label: 'Driftstatus', roles: ['care_admin', 'sysadmin'] },
];

export function navFor(p: Principal): Array<{ href: string; label: string }> {
  return ITEMS.filter((i) =>
    i.roles === 'patient'
      ? p.kind === 'person'
      : p.kind === 'staff' && p.grants.some((g) => (i.roles as StaffRoleName[]).includes(g.role)),
  ).map(({ href, label }) => ({ href, label }));
}
