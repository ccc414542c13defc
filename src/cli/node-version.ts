/** The Node.js version gate shared by every bin: yeoman 10/environment 7, execa 10 and aws-local-stepfunctions 3 need it. */
export const MIN_NODE = [22, 18, 0] as const;

/** Returns a one-line explanation when `version` (e.g. `v20.20.2`) is too old, else undefined. */
export function nodeVersionProblem(version: string = process.version): string | undefined {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
  const [M, m, p] = MIN_NODE;
  const ok = major > M || (major === M && (minor > m || (minor === m && patch >= p)));
  if (ok) return undefined;
  return `legacy-mlops needs Node.js >= ${MIN_NODE.join('.')} (this is ${version}). Install a current LTS (e.g. 'nvm install 24', or 'npm install --prefix ~/.node24 node@24' and put ~/.node24/node_modules/.bin first on PATH).`;
}
