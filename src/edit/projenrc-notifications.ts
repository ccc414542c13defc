/**
 * Sets who the notifications topic e-mails (`notifications.email`) in the options of a generated repo's
 * `.projenrc.ts`, through its syntax tree like the stage editor: only the e-mail's text is inserted or
 * replaced, every other byte (comments, layout, line endings) stays. Pure: source text in, source text out.
 */
import ts from 'typescript';
import { tsString } from '../create/ts-literal.js';
import { findProjectOptions, keyOf, withLineEndingsOf } from './projenrc-stages.js';

export type NotificationsEdit = { readonly ok: true; readonly source: string; readonly changed: boolean } | { readonly ok: false; readonly reason: string };

/** What to paste when the file's shape cannot be edited safely. */
const byHand = (email: string) => `set notifications: { email: ${tsString(email)} } in the options of LegacyMlopsProject in .projenrc.ts by hand`;

/** `source` with `notifications.email` set to `email` (a `notifications` property added when there is none). */
export function setNotificationsEmail(source: string, email: string): NotificationsEdit {
  const found = findProjectOptions(source, '`notifications`');
  if (!found.ok) return { ok: false, reason: `${found.reason}; ${byHand(email)}` };
  const { options } = found;
  const props = options.properties.filter((p) => keyOf(p) === 'notifications');
  if (props.length > 1) return { ok: false, reason: `\`notifications\` is set more than once in .projenrc.ts; keep one, then ${byHand(email)}` };
  const [prop] = props;
  const literal = tsString(email);
  if (!prop) {
    // A spread (`...base`) may bring its own notifications: one written after it would silently replace them.
    if (options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && keyOf(p) === undefined))) {
      return { ok: false, reason: `the options of LegacyMlopsProject have a spread or computed key that may set \`notifications\`; ${byHand(email)}` };
    }
    return { ok: true, changed: true, source: insertAfterLast(source, options, `notifications: { email: ${literal} }`) };
  }
  if (!ts.isPropertyAssignment(prop) || !ts.isObjectLiteralExpression(prop.initializer)) {
    return { ok: false, reason: `\`notifications\` in .projenrc.ts is not an object literal; ${byHand(email)}` };
  }
  const object = prop.initializer;
  const emails = object.properties.filter((p) => keyOf(p) === 'email');
  const [current] = emails;
  if (emails.length > 1 || (current && (!ts.isPropertyAssignment(current) || !ts.isStringLiteralLike(current.initializer)))) {
    return { ok: false, reason: `\`notifications.email\` in .projenrc.ts is not one string literal; ${byHand(email)}` };
  }
  if (!current) {
    if (object.properties.length === 0) return { ok: true, changed: true, source: `${source.slice(0, object.getStart())}{ email: ${literal} }${source.slice(object.getEnd())}` };
    return { ok: true, changed: true, source: insertAfterLast(source, object, `email: ${literal}`) };
  }
  const value = (current as ts.PropertyAssignment).initializer as ts.StringLiteralLike;
  if (value.text === email) return { ok: true, changed: false, source };
  return { ok: true, changed: true, source: `${source.slice(0, value.getStart())}${literal}${source.slice(value.getEnd())}` };
}

/** `text` as a new last property of `object`, on its own line with the properties' indentation. */
function insertAfterLast(source: string, object: ts.ObjectLiteralExpression, text: string): string {
  const last = object.properties[object.properties.length - 1];
  if (!last) return `${source.slice(0, object.getStart())}{ ${text} }${source.slice(object.getEnd())}`;
  const lineStart = source.lastIndexOf('\n', last.getStart()) + 1;
  const lead = source.slice(lineStart, last.getStart());
  let at = last.getEnd();
  const comma = source.slice(at).match(/^\s*,/);
  if (comma) at += comma[0].length;
  // Properties on one line (`{ a: 1 }`) get the new one on the same line.
  const insertion = /^\s*$/.test(lead) ? `${comma ? '' : ','}\n${lead}${text}${comma ? ',' : ''}` : `${comma ? ' ' : ', '}${text}${comma ? ',' : ''}`;
  return source.slice(0, at) + withLineEndingsOf(source, insertion) + source.slice(at);
}
