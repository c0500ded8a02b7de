// Static lost-update detection against a committed corpus of labelled tool handlers (bench/raceCorpus/*.js, first line
// `// label: racy|safe: why`): precision and recall of ours and of ESLint's require-atomic-updates, in the same run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findLostUpdateRisks } from '../extension/host/codeLens/raceAnalysis';
import { ESLINT_VERSION, loadEslint } from './eslintBaseline';

const corpusFolder = join(__dirname, 'raceCorpus');
const cases = readdirSync(corpusFolder)
  .filter((file) => file.endsWith('.js'))
  .sort()
  .map((file) => {
    const text = readFileSync(join(corpusFolder, file), 'utf8');
    const label = /^\/\/ label: (racy|safe):/.exec(text)?.[1];
    if (label === undefined) throw new Error(`${file}: the first line must be "// label: racy: why" or "// label: safe: why".`);
    return { file, text, racy: label === 'racy' };
  });

const eslint = loadEslint();
const eslintConfig = [{ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, rules: { 'require-atomic-updates': 'error' } }];
const detectors = {
  ours: (file: string, text: string) => findLostUpdateRisks(file, text).length > 0,
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
    const flagged = flags(entry.file, entry.text);
    if (flagged && entry.racy) truePositives++;
    if (flagged && !entry.racy) {
      falsePositives++;
      misses.push(`${name}: false positive on ${entry.file}`);
    }
    if (!flagged && entry.racy) {
      missed++;
      misses.push(`${name}: missed ${entry.file}`);
    }
  }
  const precision = truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives);
  const recall = truePositives / (truePositives + missed);
  console.log(`| ${name} | ${truePositives} | ${falsePositives} | ${missed} | ${(precision * 100).toFixed(0)}% | ${(recall * 100).toFixed(0)}% |`);
}
console.log(`\nGoal for ours: 0 false positives, recall >= 90%.\n${misses.map((line) => `  ${line}`).join('\n')}`);
