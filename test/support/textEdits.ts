import ts from 'typescript';
import type { SourceRange } from '../../extension/host/codeLens/analyzeSource';
import type { TextEdit } from '../../extension/host/codeLens/lostUpdateFixes';

/** Applies a code action's edits (non-overlapping) to a text the way an editor does, last first. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const source = ts.createSourceFile('edited.ts', text, ts.ScriptTarget.Latest);
  const offsets = (range: SourceRange) =>
    [source.getPositionOfLineAndCharacter(range.start.line, range.start.character), source.getPositionOfLineAndCharacter(range.end.line, range.end.character)] as const;
  return [...edits]
    .sort((a, b) => offsets(b.range)[0] - offsets(a.range)[0])
    .reduce((current, edit) => {
      const [start, end] = offsets(edit.range);
      return current.slice(0, start) + edit.newText + current.slice(end);
    }, text);
}
