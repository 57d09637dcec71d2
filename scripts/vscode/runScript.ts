/**
 * Runs a script's `main` when the file is started directly: Ctrl-C and SIGTERM exit 130
 * through process.exit, which runs the exit hooks that kill code-server and the sandboxes;
 * a thrown error prints under `name` and exits 1.
 */
export function runScript(name: string, main: () => Promise<number>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130));
  }
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
