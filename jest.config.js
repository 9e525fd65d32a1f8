/* global module */
/** Jest: swc transpiles TypeScript (type errors are caught by `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['**/*.test.ts'],
  // openid-client and its two dependencies ship ESM only; Jest below Node 24.9 needs them as CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/', '/.tools/'],
  testTimeout: 60000,
};
