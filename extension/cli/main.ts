import packageJson from '../../package.json';
import { CLI_USAGE, CliUsageError, EXIT_CODES, parseCliArgs, type CliCommand } from './cliArgs';
import { runRun } from './runCommand';
import { runWatch } from './watchCommand';

// The `mcp-lock-inspector` bin: parses the command line, runs it, and exits with its code.
async function main(): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`mcp-lock-inspector: ${error.message}\n`);
    return EXIT_CODES.usage;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(CLI_USAGE);
      return EXIT_CODES.ok;
    case 'version':
      process.stdout.write(`${packageJson.version}\n`);
      return EXIT_CODES.ok;
    case 'watch':
      return runWatch(command, { stdout: process.stdout, stderr: process.stderr, env: process.env });
    case 'run':
      return runRun(command, { stderr: process.stderr, env: process.env });
    default: {
      const unhandled: never = command;
      throw new Error(`Unhandled command ${JSON.stringify(unhandled)}`);
    }
  }
}

main().then(
  (exitCode) => {
    process.exitCode = exitCode;
    // Open handles (a server that ignores SIGTERM's stdin, a stuck socket) must not keep a finished run alive.
    setTimeout(() => process.exit(exitCode), 100).unref();
  },
  (error: unknown) => {
    process.stderr.write(`mcp-lock-inspector: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
