/**
 * setNotificationsEmail: `notifications.email` set in `.projenrc.ts` through its syntax tree, every other
 * byte kept; shapes it cannot edit safely are refused with what to set by hand.
 */
import { setNotificationsEmail } from '../../src/edit/projenrc-notifications.js';

const file = (options: string) => `import { LegacyMlopsProject } from 'generator-legacy-mlops';\n\n// keep me\nconst project = new LegacyMlopsProject({\n${options}\n});\nproject.synth();\n`;
const edited = (source: string, email = 'lead@example.com') => {
  const result = setNotificationsEmail(source, email);
  if (!result.ok) throw new Error(result.reason);
  return result;
};

test.each([
  ['none yet: added as the last property', file("  name: 'churn',\n  region: 'eu-west-1',"), file("  name: 'churn',\n  region: 'eu-west-1',\n  notifications: { email: 'lead@example.com' },")],
  ['none yet, no trailing comma', file("  name: 'churn'"), file("  name: 'churn',\n  notifications: { email: 'lead@example.com' }")],
  ['an empty notifications object', file("  name: 'churn',\n  notifications: {},"), file("  name: 'churn',\n  notifications: { email: 'lead@example.com' },")],
  ['another address: only the string changes', file("  notifications: { email: 'old@example.com' }, // the team"), file("  notifications: { email: 'lead@example.com' }, // the team")],
])('%s', (_name, source, expected) => {
  const result = edited(source);
  expect(result.source).toBe(expected);
  expect(result.changed).toBe(true);
});

test('the same address: unchanged, byte for byte', () => {
  const source = file("  notifications: { email: 'lead@example.com' },");
  expect(edited(source)).toEqual({ ok: true, changed: false, source });
});

test('CRLF files stay CRLF only', () => {
  const result = edited(file("  name: 'churn',").replace(/\n/g, '\r\n'));
  expect(result.source).toContain("notifications: { email: 'lead@example.com' },\r\n");
  expect(result.source.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
});

test.each([
  ['a spread that may set them', file("  ...base,\n  name: 'churn',"), /spread or computed key .* set notifications: \{ email: 'lead@example\.com' \} .* by hand/],
  ['notifications from a variable', file('  notifications,'), /`notifications` in \.projenrc\.ts is not an object literal/],
  ['an e-mail from a variable', file('  notifications: { email: who },'), /`notifications\.email` in \.projenrc\.ts is not one string literal/],
  ['options from a variable', "const project = new LegacyMlopsProject(options);\n", /not an object literal/],
])('refused: %s', (_name, source, reason) => {
  const result = setNotificationsEmail(source, 'lead@example.com');
  expect(result.ok).toBe(false);
  expect((result as { reason: string }).reason).toMatch(reason);
});
