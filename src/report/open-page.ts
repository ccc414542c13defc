/**
 * Opens a report page in the person's browser with the desktop's own opener (`open`, `start`, `xdg-open`):
 * a one-line spawn, so no library. Never waits for the browser, never fails the run.
 */
import { spawn } from 'node:child_process';

export function openerCommand(path: string, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') return ['open', path];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""', path];
  return ['xdg-open', path];
}

/** Resolves with a line saying why the page could not be opened, or undefined once the opener started. */
export function openPage(path: string): Promise<string | undefined> {
  const [command, ...args] = openerCommand(path);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', (error) => resolve(`could not open the report page with ${command} (${error.message}): open ${path} in a browser`));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}
