import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./refresh-worker.ts', import.meta.url));

/** A worker process and everything it printed so far. */
export interface Worker {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

/** Starts a refresh worker (see refresh-worker.ts) and waits until it prints `until`. */
export async function startWorker(args: string[], until: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args]);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const deadline = Date.now() + 30_000;
  while (!output.includes(until)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`worker did not print ${until}: ${output.slice(-1500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, output: () => output };
}

/** Releases every worker at once and collects the JSON line each one prints at the end. */
export async function runFleet(workers: Worker[]): Promise<{ tokens: string[] }[]> {
  const exits = workers.map((worker) => once(worker.child, 'exit'));
  for (const worker of workers) worker.child.stdin.write('go\n');
  await Promise.all(exits);

  return workers.map((worker) => {
    const line = worker.output().trim().split('\n').at(-1)!;
    try {
      return JSON.parse(line) as { tokens: string[] };
    } catch {
      throw new Error(`worker failed: ${worker.output().slice(-1500)}`);
    }
  });
}
