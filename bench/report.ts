import type { ConcurrencyFigures, VisibilityFigures } from './checks.js';
import type { ExpiredTokenFigures, OfficialManagerFigures, ValidTokenFigures } from './manager.js';
import type { Budget, Timing } from './measure.js';
import type { MemoryFigures } from './memory.js';

/** One store operation at one size, with what it is compared to. */
export interface OperationRow {
  store: string;
  scheme: string;
  size: number;
  operation: 'findToken' | 'findTokenById' | 'saveToken';
  timing: Timing;
  floor: { name: string; timing: Timing } | null;
  official: { name: string; timing: Timing } | null;
  /** For a server store's findToken: the same lookup on the raw driver (see floors.ts). */
  rawLookup: { name: string; timing: Timing } | null;
  /** Our median ÷ the floor's: 1 means no cost above the floor. */
  vsFloor: number | null;
  /** The official median ÷ ours: how many times faster we are. */
  vsOfficial: number | null;
}

/** Everything one run measured: what `latest.json` holds. */
export interface BenchResults {
  mode: 'full' | 'quick';
  date: string;
  machine: {
    cpu: string;
    cores: number;
    memoryBytes: number;
    platform: string;
    node: string;
    /** 1-minute load average when the run started and ended: how busy the machine was. */
    loadAverage: { start: number; end: number };
  };
  budget: Budget;
  operations: OperationRow[];
  concurrency: ConcurrencyFigures[];
  visibility: VisibilityFigures[];
  manager: {
    validToken: ValidTokenFigures | null;
    expiredToken: ExpiredTokenFigures[];
    official: OfficialManagerFigures | null;
  };
  memory: MemoryFigures[];
  /** Stores not measured, and why. */
  skipped: { store: string; reason: string }[];
  goals: Goal[];
  durationS: number;
}

/** One goal of the issue, judged from this run's figures. */
export interface Goal {
  goal: string;
  status: 'met' | 'missed' | 'not measured';
  /** The figures behind the verdict. */
  detail: string;
}

// "Flat" for the MySQL store: its slowest size at most this many times its fastest.
const FLAT_TOLERANCE = 1.5;

/** Judges every goal of the issue from the figures. */
export function judgeGoals(results: Omit<BenchResults, 'goals' | 'durationS'>): Goal[] {
  return [
    floorGoal(results.operations),
    fileGoal(results.operations, results.visibility),
    mysqlGoal(results.operations),
    concurrencyGoal(results.concurrency),
    validTokenGoal(results.manager.validToken),
    expiredTokenGoal(results.manager.expiredToken),
  ];
}

function floorGoal(rows: OperationRow[]): Goal {
  const goal = "every store's findToken within 2x of its floor, at every size";
  const finds = rows.filter((row) => row.operation === 'findToken' && row.vsFloor !== null);
  if (finds.length === 0) return { goal, status: 'not measured', detail: '' };

  const misses = finds.filter((row) => row.vsFloor! > 2);
  const worst = finds.reduce((a, b) => (b.vsFloor! > a.vsFloor! ? b : a));
  const describe = (row: OperationRow) => `${row.store} ${count(row.size)} ${ratio(row.vsFloor)}`;
  const detail =
    misses.length === 0
      ? `worst ${ratio(worst.vsFloor)} (${worst.store}, ${count(worst.size)})`
      : `over 2x: ${misses.map(describe).join('; ')}`;
  return { goal, status: misses.length === 0 ? 'met' : 'missed', detail };
}

function fileGoal(rows: OperationRow[], visibility: VisibilityFigures[]): Goal {
  const goal =
    'file store findToken at 10 000 tokens >= 1000x faster than the official FileStore, ' +
    'seeing other processes';
  const row = findRow(rows, 'file', 10_000, 'findToken');
  const seen = visibility.find((check) => check.size === 10_000);
  if (row?.vsOfficial == null || seen === undefined) {
    return { goal, status: 'not measured', detail: '' };
  }

  const met = row.vsOfficial >= 1000 && seen.seen;
  const detail =
    `${ratio(row.vsOfficial)} (${duration(row.timing.medianNs)} vs ` +
    `${duration(row.official!.timing.medianNs)}); change by another process ` +
    `${seen.seen ? 'seen' : 'NOT seen'}`;
  return { goal, status: met ? 'met' : 'missed', detail };
}

function mysqlGoal(rows: OperationRow[]): Goal {
  const goal =
    'MySQL store findToken >= 10x the official DBStore at 10 000, >= 4x at 1 000, ' +
    'flat 1 000 to 100 000';
  const at = (size: number) => findRow(rows, 'mysql', size, 'findToken');
  const small = at(1_000);
  const medium = at(10_000);
  if (small?.vsOfficial == null || medium?.vsOfficial == null) {
    return { goal, status: 'not measured', detail: '' };
  }

  const sizes = rows.filter((row) => row.scheme === 'mysql' && row.operation === 'findToken');
  const medians = sizes.map((row) => row.timing.medianNs);
  const spread = Math.max(...medians) / Math.min(...medians);
  const hasLargest = sizes.some((row) => row.size === 100_000);
  const met = medium.vsOfficial >= 10 && small.vsOfficial >= 4 && spread <= FLAT_TOLERANCE;
  const flat =
    `${sizes.map((row) => `${duration(row.timing.medianNs)} at ${count(row.size)}`).join(', ')}` +
    ` (spread ${ratio(spread)}${hasLargest ? '' : '; 100 000 not measured in this mode'})`;
  return {
    goal,
    status: met ? 'met' : 'missed',
    detail: `${ratio(medium.vsOfficial)} at 10 000, ${ratio(small.vsOfficial)} at 1 000; ${flat}`,
  };
}

function concurrencyGoal(checks: ConcurrencyFigures[]): Goal {
  const goal = '1 000 concurrent findToken calls on each networked store: no errors';
  if (checks.length === 0) return { goal, status: 'not measured', detail: '' };

  const failed = checks.filter((check) => check.errors + check.wrong > 0);
  const stores = [...new Set(checks.map((check) => check.store))];
  const detail =
    failed.length === 0
      ? `0 errors, 0 wrong answers (${stores.join(', ')}; every size)`
      : failed
          .map(
            (check) =>
              `${check.store} ${count(check.size)}: ${check.errors} errors, ${check.wrong} wrong`,
          )
          .join('; ');
  return { goal, status: failed.length === 0 ? 'met' : 'missed', detail };
}

function validTokenGoal(figures: ValidTokenFigures | null): Goal {
  const goal = 'getAccessToken on a valid token: under 2 µs median, no store I/O';
  if (figures === null) return { goal, status: 'not measured', detail: '' };

  const met = figures.medianNs < 2_000 && figures.storeCalls === 0;
  const detail = `${duration(figures.medianNs)} median, ${figures.storeCalls} store calls`;
  return { goal, status: met ? 'met' : 'missed', detail };
}

function expiredTokenGoal(runs: ExpiredTokenFigures[]): Goal {
  const goal = '1 000 concurrent callers on an expired token: 1 refresh';
  if (runs.length === 0) return { goal, status: 'not measured', detail: '' };

  const met = runs.every((run) => run.refreshRequests === 1 && run.errors === 0);
  const detail = runs
    .map((run) => `${run.store}: ${run.refreshRequests} refresh, ${run.errors} errors`)
    .join('; ');
  return { goal, status: met ? 'met' : 'missed', detail };
}

function findRow(
  rows: OperationRow[],
  scheme: string,
  size: number,
  operation: OperationRow['operation'],
): OperationRow | undefined {
  return rows.find(
    (row) => row.scheme === scheme && row.size === size && row.operation === operation,
  );
}

/** The whole report as markdown: what is printed and written to `latest.md`. */
export function renderMarkdown(results: BenchResults): string {
  return [
    header(results),
    goalsSection(results.goals),
    operationsSection(results.operations),
    breakdownSection(results.operations),
    concurrencySection(results.concurrency, results.visibility),
    managerSection(results.manager),
    memorySection(results.memory),
    skippedSection(results.skipped),
  ]
    .filter((section) => section !== '')
    .join('\n\n')
    .concat('\n');
}

function header(results: BenchResults): string {
  const { machine } = results;
  return [
    `# zoho-tokens benchmark (${results.mode})`,
    '',
    `${results.date} · ${machine.cpu}, ${machine.cores} cores, ` +
      `${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB · Node ${machine.node} · ` +
      `load ${machine.loadAverage.start.toFixed(2)} → ${machine.loadAverage.end.toFixed(2)} · ` +
      `${Math.round(results.durationS)} s`,
    '',
    `Medians; each task ran ${results.budget.timeMs} ms in ${results.budget.rounds} rounds ` +
      `(at least ${results.budget.minSamples} samples a round). ` +
      '×official = official median ÷ ours (higher is better); ' +
      '×floor = our median ÷ floor median (1 is the floor itself).',
  ].join('\n');
}

function goalsSection(goals: Goal[]): string {
  const rows = goals.map((goal) => [goal.goal, goal.status, goal.detail]);
  return ['## Goals', '', table(['goal', 'status', 'figures'], rows)].join('\n');
}

function operationsSection(rows: OperationRow[]): string {
  if (rows.length === 0) return '';

  const body = rows.map((row) => [
    row.store,
    count(row.size),
    row.operation,
    duration(row.timing.medianNs),
    row.official === null
      ? '—'
      : `${duration(row.official.timing.medianNs)} (${row.official.name})`,
    ratio(row.vsOfficial),
    row.floor === null ? '—' : `${duration(row.floor.timing.medianNs)} (${row.floor.name})`,
    ratio(row.vsFloor),
  ]);
  const headers = [
    'store',
    'tokens',
    'operation',
    'median',
    'official',
    '×official',
    'floor',
    '×floor',
  ];
  return ['## Store operations', '', table(headers, body)].join('\n');
}

/** For server stores: the floor, the raw driver's lookup, and the store's findToken. */
function breakdownSection(rows: OperationRow[]): string {
  const split = rows.filter((row) => row.rawLookup !== null && row.floor !== null);
  if (split.length === 0) return '';

  const body = split.map((row) => {
    const floor = row.floor!.timing.medianNs;
    const raw = row.rawLookup!.timing.medianNs;
    const ours = row.timing.medianNs;
    return [
      row.store,
      count(row.size),
      duration(floor),
      `${duration(raw)} (${row.rawLookup!.name})`,
      ratio(raw / floor),
      duration(ours),
      duration(ours - raw),
    ];
  });
  const headers = [
    'store',
    'tokens',
    'floor',
    'raw lookup',
    'raw ÷ floor',
    'findToken',
    'findToken − raw',
  ];
  return [
    '## Where findToken time goes (server stores)',
    '',
    "The raw lookup is the same row read with the bare driver: raw ÷ floor is the server's own " +
      'work, findToken − raw is what the store adds (its SQL or script, pool handling, mapping).',
    '',
    table(headers, body),
  ].join('\n');
}

function concurrencySection(checks: ConcurrencyFigures[], visibility: VisibilityFigures[]): string {
  const parts: string[] = [];
  if (checks.length > 0) {
    const rows = checks.map((check) => [
      check.store,
      count(check.size),
      String(check.calls),
      String(check.errors),
      String(check.wrong),
      `${check.wallMs.toFixed(1)} ms`,
    ]);
    parts.push(
      '## 1 000 concurrent findToken calls',
      '',
      table(['store', 'tokens', 'calls', 'errors', 'wrong', 'wall time'], rows),
    );
  }
  if (visibility.length > 0) {
    const rows = visibility.map((check) => [
      count(check.size),
      check.writer,
      check.seen ? 'yes' : 'NO',
    ]);
    parts.push(
      '',
      '## File store: a change made by another process',
      '',
      table(['tokens', 'writer', 'seen by the next findToken'], rows),
    );
  }
  return parts.join('\n');
}

function managerSection(manager: BenchResults['manager']): string {
  const lines = ['## TokenManager'];
  const { validToken, expiredToken, official } = manager;
  if (validToken !== null) {
    const officialValid = official?.validToken;
    lines.push(
      '',
      `getAccessToken on a valid token: **${duration(validToken.medianNs)}** median ` +
        `(p99 ${duration(validToken.p99Ns)}), ${validToken.storeCalls} store calls while measured` +
        (officialValid
          ? `; official SDK getToken() (FileStore, 1 token): ${duration(officialValid.medianNs)} ` +
            `(${ratio(officialValid.medianNs / validToken.medianNs)})`
          : '') +
        '.',
    );
  }
  if (expiredToken.length > 0) {
    const rows = expiredToken.map((run) => [
      run.store,
      String(run.callers),
      String(run.refreshRequests),
      String(run.errors),
      String(run.mismatched),
      `${run.wallMs.toFixed(1)} ms`,
    ]);
    const storm = official?.expiredToken;
    if (storm) {
      rows.push([
        `${storm.store} (official SDK getToken)`,
        String(storm.callers),
        String(storm.refreshRequests),
        String(storm.errors),
        '—',
        `${storm.wallMs.toFixed(1)} ms`,
      ]);
    }
    lines.push(
      '',
      'Concurrent callers on an expired token (refreshes counted by the emulator):',
      '',
      table(['store', 'callers', 'refresh requests', 'errors', 'other token', 'wall time'], rows),
    );
  }
  if (official?.problem) lines.push('', `Official SDK not measured: ${official.problem}`);
  return lines.join('\n');
}

function memorySection(figures: MemoryFigures[]): string {
  if (figures.length === 0) return '';

  const rows = figures.map((figure) => [
    figure.store,
    count(figure.tokens),
    bytes(figure.rssBytes),
    bytes(figure.heapBytes),
    bytes(figure.externalBytes),
    `${Math.round(figure.heapBytes / figure.tokens)} B`,
  ]);
  return [
    '## Memory (child process, growth from an empty store)',
    '',
    table(['store', 'tokens', 'resident (RSS)', 'V8 heap', 'buffers', 'heap per token'], rows),
  ].join('\n');
}

function skippedSection(skipped: BenchResults['skipped']): string {
  if (skipped.length === 0) return '';

  return ['## Not measured', '', ...skipped.map((item) => `- ${item.store}: ${item.reason}`)].join(
    '\n',
  );
}

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A duration in the unit that reads best. */
export function duration(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
}

function ratio(value: number | null): string {
  if (value === null) return '—';
  return value >= 100 ? `${Math.round(value)}×` : `${value.toFixed(value >= 10 ? 1 : 2)}×`;
}

function count(n: number): string {
  return n.toLocaleString('en-US').replaceAll(',', ' ');
}

function bytes(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}
