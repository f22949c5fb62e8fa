/**
 * Small file systems for the store-fault tests: a tmpfs that can be filled to the last byte,
 * and an ext4 image on a loop device that can be made to fail the way a real disk does
 * (`errors=remount-ro`). Both need root; every mount is undone in `destroy`, which is safe
 * to call twice.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * The administration tools (losetup, mkfs.ext4, e2fsck) live in the sbin folders, which a
 * CI job's PATH does not always list.
 */
const PATH = [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(':');

function run(command: string, args: string[]): string {
  return execFileSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, PATH },
  });
}

/** The options /proc/mounts lists for the file system mounted at `dir`, or undefined. */
export function mountOptions(dir: string): string[] | undefined {
  const line = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[1] === dir);
  return line?.split(' ')[3]?.split(',');
}

/** Whether this process may mount file systems: tried with a tiny tmpfs, not guessed from the uid. */
export function canMount(scratch: string): boolean {
  mkdirSync(scratch, { recursive: true });
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', scratch]);
  } catch {
    return false;
  }
  run('umount', [scratch]);
  return true;
}

/** Whether an ext4 image can be attached to a loop device and mounted (root, loop devices, e2fsprogs). */
export function canLoopMount(scratch: string): boolean {
  let disk: Ext4Disk | undefined;
  try {
    disk = Ext4Disk.create(scratch, 8);
    return true;
  } catch {
    return false;
  } finally {
    disk?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A tmpfs of a fixed size at `dir`: `fill` takes every free byte, `free` gives them back. */
export class Tmpfs {
  readonly dir: string;
  readonly #filler: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.#filler = path.join(dir, 'filler');
  }

  static mount(dir: string, bytes: number): Tmpfs {
    mkdirSync(dir, { recursive: true });
    run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
    return new Tmpfs(dir);
  }

  /** Writes a filler file until the file system refuses; returns the bytes written. */
  fill(): number {
    const fd = openSync(this.#filler, 'a');
    let written = 0;
    try {
      // Big chunks first, then small ones for the last partial chunk; bounded either way.
      for (const size of [1 << 20, 1 << 12, 1 << 9]) {
        const chunk = Buffer.alloc(size, 0x5a);
        for (let i = 0; i < 4096; i++) {
          try {
            written += writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
            break;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
    return written;
  }

  free(): void {
    rmSync(this.#filler, { force: true });
  }

  destroy(): void {
    if (mountOptions(this.dir)) unmount(this.dir);
  }
}

/**
 * An ext4 file system in an image file on a loop device, mounted with `errors=remount-ro`
 * as servers mount their data disks. `failDisk` makes ext4 detect an error through its
 * test hook, and ext4 then does what it does after a real I/O error: it aborts the journal
 * and refuses every further write, until unmounted and checked.
 */
export class Ext4Disk {
  readonly image: string;
  readonly device: string;
  readonly dir: string;
  #attached = true;

  private constructor(image: string, device: string, dir: string) {
    this.image = image;
    this.device = device;
    this.dir = dir;
  }

  /** An image of `megabytes` under `workDir`, mounted at `workDir/mnt`. */
  static create(workDir: string, megabytes: number): Ext4Disk {
    mkdirSync(workDir, { recursive: true });
    const image = path.join(workDir, 'disk.img');
    const dir = path.join(workDir, 'mnt');
    mkdirSync(dir, { recursive: true });
    run('truncate', ['-s', `${megabytes}M`, image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    const device = run('losetup', ['--find', '--show', image]).trim();
    const disk = new Ext4Disk(image, device, dir);
    try {
      disk.mount();
    } catch (error) {
      run('losetup', ['-d', device]);
      throw error;
    }
    return disk;
  }

  mount(): void {
    run('mount', ['-o', 'errors=remount-ro', this.device, this.dir]);
  }

  /** ext4's own error path, as after a failed write to the disk: the file system turns read-only. */
  failDisk(): void {
    const name = path.basename(this.device);
    // Only ever our own loop device: this hook on the machine's real disk would take it down.
    if (!/^loop\d+$/.test(name)) throw new Error(`refusing to fail ${this.device}`);
    execFileSync('sh', ['-c', `echo ozgwatch-fault-test > /sys/fs/ext4/${name}/trigger_fs_error`]);
  }

  /** Whether ext4 has turned the file system read-only after an error. */
  readOnly(): boolean {
    const options = mountOptions(this.dir) ?? [];
    return options.includes('ro') || options.includes('emergency_ro');
  }

  /** What an operator does: unmount, check and repair, mount again. Needs every file closed. */
  repair(): void {
    unmount(this.dir);
    try {
      run('e2fsck', ['-f', '-y', this.device]);
    } catch (error) {
      // Exit code 1: errors were found and corrected, which is what we expect here.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    this.mount();
  }

  destroy(): void {
    if (mountOptions(this.dir)) unmount(this.dir);
    if (!this.#attached) return;
    this.#attached = false;
    run('losetup', ['-d', this.device]);
    rmSync(this.image, { force: true });
  }
}

/** Unmounts, lazily if a file is still open (a child process killed a moment ago). */
export function unmount(dir: string): void {
  try {
    run('umount', [dir]);
  } catch {
    run('umount', ['-l', dir]);
  }
}
