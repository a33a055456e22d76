import { closeSync, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';

/**
 * What tells one version of a file from another without reading it: inode, size, and the
 * modification and change times. An atomic replace always brings a new inode; an in-place
 * rewrite (the official SDKs write that way) changes the size or the times.
 */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** The identity of a file that does not exist. */
export const MISSING: FileIdentity = { ino: -1, size: -1, mtimeMs: -1, ctimeMs: -1 };

/**
 * File times come from a coarse clock (a scheduler tick, up to 10 ms on Linux). A file read
 * within this long of its last change may change again with the same times and size, so its
 * snapshot is not trusted until it is read again once this margin has passed.
 */
export const RACY_MARGIN_MS = 50;

/** True when `stats` (or a missing file, `undefined`) is the version `identity` describes. */
export function isSameFile(identity: FileIdentity, stats: Stats | undefined): boolean {
  if (stats === undefined) return identity.ino === -1;

  return (
    stats.ino === identity.ino &&
    stats.size === identity.size &&
    stats.mtimeMs === identity.mtimeMs &&
    stats.ctimeMs === identity.ctimeMs
  );
}

/** The identity of the file behind `stats`. */
export function identityOf(stats: Stats): FileIdentity {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

/** True when a file with this identity, read at `readAtMs`, may still change unseen. */
export function isRacy(identity: FileIdentity, readAtMs: number): boolean {
  if (identity.ino === -1) return false;

  return readAtMs - Math.max(identity.mtimeMs, identity.ctimeMs) < RACY_MARGIN_MS;
}

/**
 * Reads a file and the identity of exactly the bytes read (the descriptor's, so a replace
 * between the two cannot mix versions); `null` when the file does not exist.
 */
export function readWithIdentity(path: string): { identity: FileIdentity; bytes: Buffer } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }

  try {
    const identity = identityOf(fstatSync(fd));
    return { identity, bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}
