/**
 * Host-level clean-up for what a private dockerd leaves behind when it is killed: container
 * processes and their shims, mounts, cgroups, shim sockets and bridge interfaces.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { descendants, isAlive, killAll, pidsReferencing, run } from './proc';

const CGROUP_ROOT = '/sys/fs/cgroup';
export const SHIM_RUN_DIR = '/run/containerd';
const SHIM_SOCKET_DIR = `${SHIM_RUN_DIR}/s`;

/** Names of the bridge interfaces that exist now. */
export function bridgeNames(): string[] {
  return readdirSync('/sys/class/net').filter((name) =>
    existsSync(`/sys/class/net/${name}/bridge`),
  );
}

/** Deletes docker-made bridges (docker0, br-*) that did not exist before the engine started. */
export async function deleteNewBridges(before: string[]): Promise<void> {
  const ours = bridgeNames().filter(
    (name) => !before.includes(name) && (name === 'docker0' || name.startsWith('br-')),
  );
  for (const name of ours) {
    await run('ip', ['link', 'delete', name]).catch(() => undefined);
  }
}

function decodeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Mount points at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => decodeMountPath(line.split(' ')[4]))
    .filter((mount) => mount === dir || mount.startsWith(`${dir}/`))
    .sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** Lazily unmounts everything mounted at or below dir (overlay layers, netns bind mounts). */
export async function unmountUnder(dir: string): Promise<void> {
  for (const mount of mountsUnder(dir)) {
    await run('umount', ['-l', mount]).catch(() => undefined);
  }
}

/** Every cgroup directory named `parent` directly under a hierarchy (v1 controllers or v2). */
function cgroupParents(parent: string): string[] {
  const roots = [CGROUP_ROOT, ...readdirSync(CGROUP_ROOT).map((c) => join(CGROUP_ROOT, c))];
  return roots.map((root) => join(root, parent)).filter((dir) => existsSync(dir));
}

/** PIDs still inside the engine's cgroup parent (container processes). */
export function cgroupProcesses(parent: string): number[] {
  const pids = new Set<number>();
  const visit = (dir: string): void => {
    readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .forEach((pid) => pids.add(Number(pid)));
    childDirs(dir).forEach(visit);
  };
  cgroupParents(parent).forEach(visit);
  return [...pids];
}

function childDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name));
}

/** Removes the (now empty) cgroup directories under the engine's cgroup parent. */
export function removeCgroups(parent: string): void {
  const remove = (dir: string): void => {
    childDirs(dir).forEach(remove);
    try {
      rmdirSync(dir);
    } catch {
      // still has processes; reported by the leak check
    }
  };
  cgroupParents(parent).forEach(remove);
}

/** SIGKILLs dockerd/containerd/shims referencing the engine's roots and every container process. */
export async function killEngineLeftovers(roots: string[], cgroupParent: string): Promise<void> {
  const engine = roots.flatMap(pidsReferencing);
  const containers = [...cgroupProcesses(cgroupParent), ...descendants(engine)];
  const all = [...new Set([...containers, ...engine])].filter(isAlive);
  if (all.length > 0) {
    await killAll(all);
  }
}

/**
 * Deletes the containerd shim sockets (`/run/containerd/s/<sha256>`) of this engine's containers,
 * and /run/containerd itself if we caused it to exist and it is now empty.
 */
export function removeShimSockets(dataRoot: string, execRoot: string, removeDir: boolean): void {
  const containersDir = join(dataRoot, 'containers');
  const address = join(execRoot, 'containerd/containerd.sock');
  const ids = existsSync(containersDir) ? readdirSync(containersDir) : [];
  for (const id of ids) {
    const hash = createHash('sha256')
      .update(join(address, 'moby', id))
      .digest('hex');
    rmSync(join(SHIM_SOCKET_DIR, hash), { force: true });
  }
  if (!removeDir) {
    return;
  }
  for (const dir of [SHIM_SOCKET_DIR, SHIM_RUN_DIR]) {
    try {
      rmdirSync(dir);
    } catch {
      // not there, or someone else's sockets are in it
    }
  }
}
