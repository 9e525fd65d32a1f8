/** What a region's production configuration looks like: every setting real (fresh secrets per run). */
import { randomBytes } from 'node:crypto';

const secret = () => randomBytes(24).toString('base64url');

export const SAFE: Record<string, string> = {
  NODE_ENV: 'production',
  DATABASE_URL: `postgres://vardmote:${secret()}@db.region.example:5432/vardmote`,
  TEMPORAL_ADDRESS: 'temporal.region.example:7233',
  PUBLIC_URL: 'https://vardmote.region.example',
  JANUS_WS_URL: 'ws://janus.internal:8188',
  JANUS_PUBLIC_WS_URL: 'wss://video.region.example/janus',
  JANUS_ADMIN_SECRET: secret(),
  JANUS_API_SECRET: secret(),
  API_TOKEN_CLIENT_IDS: 'region-booking,region-journal',
  JANUS_ROOM_ADMIN_KEY: secret(),
  JANUS_EVENT_SECRET: secret(),
  SESSION_SECRET: secret() + secret(),
  OIDC_PATIENT_ISSUER: 'https://eid-broker.region.example',
  OIDC_PATIENT_CLIENT_SECRET: secret(),
  OIDC_STAFF_ISSUER: 'https://siths-idp.region.example',
  OIDC_STAFF_CLIENT_SECRET: secret(),
  // No example number (config-checks.ts EXAMPLE_BANKGIROS), with a right check digit.
  FINANCE_BANKGIRO: '7364-2183',
  SMTP_URL: `smtps://vardmote:${secret()}@smtp.region.example:465`,
  ENGAGEMENT_INDEX_URL: 'https://ei.ntjp.region.example/vp/itintegration/engagementindex/Update/1/rivtabp21',
  ENGAGEMENT_INDEX_LOGICAL_ADDRESS: '5565594230',
  ENGAGEMENT_INDEX_SOURCE_SYSTEM: 'SE2321000016-VARDMOTE',
  ENGAGEMENT_INDEX_DATA_CONTROLLER: '2321000016',
  ENGAGEMENT_INDEX_TLS_CERT: '/etc/vardmote/rivta/function.pem',
  ENGAGEMENT_INDEX_TLS_KEY: '/etc/vardmote/rivta/function-key.pem',
  ENGAGEMENT_INDEX_TLS_CA: '/etc/vardmote/rivta/siths-ca.pem',
  PAYLOAD_KEYS: `k2026:${randomBytes(32).toString('base64')}`,
  TURN_URLS: 'stun:turn.region.example:3478,turn:turn.region.example:3478?transport=udp,turns:turn.region.example:443',
  TURN_SECRET: secret(),
};
