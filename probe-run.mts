import { runPipelineLocally } from './src/local/index.js';
const lines: string[] = [];
try {
  const report = await runPipelineLocally({ repoRoot: process.argv[2], python: '/usr/bin/python3', log: (l) => { lines.push(l); console.log(l); }, ...(process.argv[3] ? JSON.parse(process.argv[3]) : {}) });
  console.log(JSON.stringify(report).slice(0, 1500));
} catch (e) { console.log('ERR', (e as Error).message); }
