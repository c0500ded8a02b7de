import type { TimelineFilter } from '../../contract/webviewMessages';

/** Checks a filter that arrived as a command argument (anyone can run the command), keeping only known fields of the right type. */
export function parseTimelineFilter(value: unknown): TimelineFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`The timeline filter must be an object like { "tool": "transfer" }, not ${JSON.stringify(value)}.`);
  }
  const input = value as Record<string, unknown>;
  const text = (key: keyof TimelineFilter): string | undefined => {
    const field = input[key];
    return typeof field === 'string' && field !== '' ? field : undefined;
  };
  const tool = text('tool');
  const resource = text('resource');
  const sourceId = text('sourceId');
  return {
    ...(tool !== undefined && { tool }),
    ...(resource !== undefined && { resource }),
    ...(sourceId !== undefined && { sourceId }),
    ...(input['onlyContended'] === true && { onlyContended: true }),
  };
}
