// Runs the three test tiers in order (unit, integration, e2e) and ends with one plain summary line.
// Integration and e2e suites start real services, so they run with fewer workers than unit specs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const tiers = [
  { name: 'unit', args: [] },
  { name: 'integration', args: ['--maxWorkers=2'] },
  { name: 'e2e', args: ['--runInBand'] },
];
const only = process.argv.slice(2);
const selected = only.length ? tiers.filter((t) => only.includes(t.name)) : tiers;
mkdirSync('.tmp', { recursive: true });

let passed = 0;
let failed = 0;
let broken = false;
for (const tier of selected) {
  const out = `.tmp/jest-${tier.name}.json`;
  rmSync(out, { force: true });
  const run = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--selectProjects',
      tier.name,
      '--json',
      `--outputFile=${out}`,
      ...tier.args,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  let report;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    broken = true;
    console.error(`${tier.name}: jest produced no report (exit ${run.status})`);
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (run.status !== 0 || report.numFailedTestSuites > 0) broken = true;
  console.log(`${tier.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
