import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { InspectorModelReader, InspectorSnapshot } from '../../contract/inspectorSnapshot';
import { readRecording, recordingOf, RecordingError, writeRecording } from '../../inspector/recording';
import { replayRecording } from '../../inspector/replayRecording';
import type { ShownModel } from '../../inspector/shownModel';
import type { TimelineOpener } from '../views/timelinePanel';

/** What the time-travel commands act on. */
export interface TimeTravelCommandTargets {
  readonly live: InspectorModelReader & { readonly historyEvicted: number };
  readonly shown: ShownModel;
  readonly timeline: TimelineOpener;
  readonly log: vscode.LogOutputChannel;
}

/** What Open Recording resolves with. */
export interface OpenedRecording {
  readonly path: string;
  readonly events: number;
  readonly sources: number;
  readonly recordedAtMs: number;
}

const RECORDING_FILTERS = { 'Lock Inspector recording': ['lockrec'] };

/** Registers Save Recording, Open Recording, Show Live and Show State At; the returned disposables go into context.subscriptions. */
export function registerTimeTravelCommands({ live, shown, timeline, log }: TimeTravelCommandTargets): vscode.Disposable[] {
  const saveRecording = async (argument?: unknown): Promise<string | undefined> => {
    const target = argument === undefined ? await askSavePath() : pathArgument('saveRecording', argument);
    if (!target) return undefined;
    const recording = recordingOf(live);
    await writeRecording(target, recording);
    log.info(`Saved a recording of ${recording.events.length} events to ${target}.`);
    if (argument === undefined) void vscode.window.showInformationMessage(`Saved ${recording.events.length} lock events to ${target}. Open it on any machine with "Lock Inspector: Open Recording".`);
    return target;
  };

  const openRecording = async (argument?: unknown): Promise<OpenedRecording | undefined> => {
    const file = argument === undefined ? await askOpenPath() : pathArgument('openRecording', argument);
    if (!file) return undefined;
    let recording;
    try {
      recording = await readRecording(file);
    } catch (error) {
      if (!(error instanceof RecordingError) || argument !== undefined) throw error;
      void vscode.window.showErrorMessage(`Lock Inspector: ${error.message}`);
      return undefined;
    }
    const replayed = replayRecording(recording);
    shown.show({ label: path.basename(file), snapshot: () => replayed.snapshot(), history: () => recording.events });
    timeline.showTimeline();
    const recordedAt = new Date(recording.header.recordedAtMs).toLocaleString();
    log.info(`Showing the recording ${file} (${recording.events.length} events, recorded ${recordedAt}).`);
    if (argument === undefined) {
      void vscode.window.showInformationMessage(`Showing the recording ${path.basename(file)} (${recording.events.length} events, recorded ${recordedAt}).`, 'Show Live').then((choice) => {
        if (choice) shown.show(undefined);
      });
    }
    return { path: file, events: recording.events.length, sources: recording.sources.length, recordedAtMs: recording.header.recordedAtMs };
  };

  return [
    vscode.commands.registerCommand(COMMANDS.saveRecording, saveRecording),
    vscode.commands.registerCommand(COMMANDS.openRecording, openRecording),
    vscode.commands.registerCommand(COMMANDS.showLive, () => shown.show(undefined)),
    vscode.commands.registerCommand(COMMANDS.showStateAt, (argument?: { atMs?: unknown }): InspectorSnapshot => {
      const atMs = argument?.atMs;
      if (atMs !== undefined && (typeof atMs !== 'number' || !Number.isFinite(atMs))) throw new Error(`showStateAt takes { atMs: epoch milliseconds } or nothing, not ${JSON.stringify(argument)}.`);
      shown.scrubTo(atMs);
      return shown.snapshot();
    }),
  ];
}

function pathArgument(command: string, argument: unknown): string {
  const requested = (argument as { path?: unknown } | null)?.path;
  if (typeof requested !== 'string' || !requested) throw new Error(`${command} takes { path: "session.lockrec" }, not ${JSON.stringify(argument)}.`);
  return path.resolve(workspaceFolder().fsPath, requested);
}

async function askSavePath(): Promise<string | undefined> {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(workspaceFolder(), `locks-${stamp}.lockrec`),
    filters: RECORDING_FILTERS,
    saveLabel: 'Save Recording',
    title: 'Save a Lock Inspector recording',
  });
  return target?.fsPath;
}

async function askOpenPath(): Promise<string | undefined> {
  const [chosen] = (await vscode.window.showOpenDialog({ defaultUri: workspaceFolder(), filters: RECORDING_FILTERS, openLabel: 'Open Recording', canSelectMany: false })) ?? [];
  return chosen?.fsPath;
}

function workspaceFolder(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd());
}
