/**
 * yeoman logs "An error occured while running <task>" before every failure; our refusals already
 * say what to fix in one line, so both generators drop that line.
 */
export function withoutTaskFailureLine<L extends ((...args: never[]) => unknown) & { error: (...args: never[]) => unknown }>(log: L): L {
  const quiet = ((...args: never[]) => log(...args)) as unknown as L;
  Object.assign(quiet, log, {
    error: (...args: never[]) => (/^An error occured while running /.test(String(args[0])) ? quiet : log.error(...args)),
  });
  return quiet;
}
