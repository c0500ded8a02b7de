// Static lost-update detection against a committed corpus of labelled tool handlers (bench/raceCorpus/*.js, first line
// `// label: racy|safe: why`; a folder's server.js for cases across modules, whose imports ours follows and ESLint, one file at
// a time, cannot): precision and recall of ours and of ESLint's require-atomic-updates, in the same run.
import { findLostUpdateRisks } from '../extension/host/codeLens/raceAnalysis';
import { readRelativeModule } from '../extension/host/codeLens/readRelativeModule';
import { raceCorpusCases } from '../test/support/raceCorpus';
import { ESLINT_VERSION, loadEslint } from './eslintBaseline';

const cases = raceCorpusCases();
const eslint = loadEslint();
const eslintConfig = [{ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, rules: { 'require-atomic-updates': 'error' } }];
const detectors = {
  ours: (file: string, text: string) => findLostUpdateRisks(file, text, readRelativeModule).length > 0,
  [`ESLint ${ESLINT_VERSION} require-atomic-updates`]: (file: string, text: string) =>
    eslint.verify(text, eslintConfig, file).some((message) => message.ruleId === 'require-atomic-updates'),
};

console.log(`${cases.length} labelled handlers: ${cases.filter((entry) => entry.racy).length} racy, ${cases.filter((entry) => !entry.racy).length} safe.\n`);
console.log('| Detector | True positives | False positives | Missed | Precision | Recall |');
console.log('|---|---|---|---|---|---|');
const misses: string[] = [];
for (const [name, flags] of Object.entries(detectors)) {
  let truePositives = 0;
  let falsePositives = 0;
  let missed = 0;
  for (const entry of cases) {
    const flagged = flags(entry.fileName, entry.text);
    if (flagged && entry.racy) truePositives++;
    if (flagged && !entry.racy) {
      falsePositives++;
      misses.push(`${name}: false positive on ${entry.name}`);
    }
    if (!flagged && entry.racy) {
      missed++;
      misses.push(`${name}: missed ${entry.name}`);
    }
  }
  const precision = truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives);
  const recall = truePositives / (truePositives + missed);
  console.log(`| ${name} | ${truePositives} | ${falsePositives} | ${missed} | ${(precision * 100).toFixed(0)}% | ${(recall * 100).toFixed(0)}% |`);
}
console.log(`\nGoal for ours: 0 false positives, recall >= 90%.\n${misses.map((line) => `  ${line}`).join('\n')}`);
