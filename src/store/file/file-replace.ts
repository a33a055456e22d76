import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ZohoTokensError } from '../../errors.js';
import { type FileIdentity, identityOf } from './file-snapshot.js';

/** Token files hold secrets: only their owner may read them. */
export const FILE_MODE = 0o600;

/**
 * Replaces the file at `path` with `text` so that a reader sees the old file or the new one,
 * never a part: the text goes to a temporary file in the same folder (mode 0600), is flushed to
 * disk, and is renamed over the original. A symbolic link is followed, not replaced.
 *
 * `isUnchanged` is asked just before the rename; when it says no, nothing is replaced and the
 * result is `null`. Otherwise it resolves to the identity of the file written.
 *
 * A file this process may not write is refused with `ERR_STORE_UNAVAILABLE`, although the rename
 * would succeed in a writable folder (see {@link assertWritable}).
 */
export async function replaceFile(
  path: string,
  text: string,
  isUnchanged: () => boolean,
): Promise<FileIdentity | null> {
  const target = await resolveTarget(path);
  await assertWritable(target, path);
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );

  try {
    const identity = await writeDurably(temporary, text);
    if (!isUnchanged()) {
      await unlink(temporary);
      return null;
    }
    await rename(temporary, target);
    await syncFolder(dirname(target));
    return identity;
  } catch (error) {
    await unlink(temporary).catch(() => {
      // The write failed already; a temporary file that cannot be removed changes nothing.
    });
    throw error;
  }
}

/**
 * A rename needs only the folder to be writable, so it would replace a token file that was made
 * read-only (chmod 444) or belongs to another user, and give it our mode. Such a file is a choice
 * to respect: the write fails instead. Root may write any file, so for root nothing is refused.
 */
async function assertWritable(target: string, path: string): Promise<void> {
  try {
    await access(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error;

    throw new ZohoTokensError(
      'ERR_STORE_UNAVAILABLE',
      `token file ${path} is read-only for this process; nothing written`,
      { cause: error },
    );
  }
}

async function writeDurably(path: string, text: string): Promise<FileIdentity> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    return identityOf(await handle.stat());
  } finally {
    await handle.close();
  }
}

async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw error;
  }
}

// The rename is durable only once the folder entry is on disk too. Windows cannot open a folder
// for this, and its rename is already journalled.
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;

  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
