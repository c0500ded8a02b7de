/** Where a tool is registered in a source text; line and column count from 1. */
export interface ToolRegistrationPosition {
  readonly line: number;
  readonly column: number;
}

/** Finds `registerTool('name'` or `.tool('name'` (the MCP SDK's two spellings) in a source text. */
export function findToolRegistration(sourceText: string, tool: string): ToolRegistrationPosition | undefined {
  const escaped = tool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\b(?:registerTool|tool)\\s*\\(\\s*(['"\`])${escaped}\\1`);
  const match = pattern.exec(sourceText);
  if (!match) return undefined;
  const before = sourceText.slice(0, match.index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: match.index - lineStart + 1 };
}
