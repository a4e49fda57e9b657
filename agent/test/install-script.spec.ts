import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

import { FIXTURES, type Run, SCRIPT } from './run-agent';

/**
 * agent/install.sh run for real into a temporary install root (ARCHNEST_INSTALL_ROOT), with
 * getent, groupadd, useradd, usermod and systemctl stubbed on PATH: the stubs keep their own
 * passwd and group files and log every call, so user creation and the systemctl calls are
 * checked too, and the real system is never touched.
 */
const INSTALLER = resolve(__dirname, '../install.sh');
const isRoot = process.getuid?.() === 0;
const TOKEN = 'archnest_agent_Sup3rSecretT0ken-one';
const NEW_TOKEN = 'archnest_agent_R0tatedT0ken-two';

const STUBS: Record<string, string> = {
  getent: 'grep "^$2:" "${STUB_DIR}/$1" || exit 2',
  groupadd: 'log "$@"; printf "%s:x:990:\\n" "${@: -1}" >>"${STUB_DIR}/group"',
  // useradd --groups G ... NAME: the passwd line, and NAME added to G.
  useradd: [
    'log "$@"; name="${@: -1}"; groups=""',
    'while (($# > 0)); do [[ "$1" == --groups ]] && groups="$2"; shift; done',
    'printf "%s:x:990:990::/nonexistent:/usr/sbin/nologin\\n" "${name}" >>"${STUB_DIR}/passwd"',
    '[[ -z "${groups}" ]] || sed -i "/^${groups}:/ s/\\$/${name}/" "${STUB_DIR}/group"',
  ].join('\n'),
  usermod: 'log "$@"; sed -i "/^docker:/ s/\\$/,${@: -1}/; s/:,/:/" "${STUB_DIR}/group"',
  systemctl: 'log "$@"',
};

interface Sandbox {
  dir: string;
  root: string;
  run(args?: string[], env?: NodeJS.ProcessEnv, input?: string): Run;
  calls(): string[];
  read(path: string): string;
  mode(path: string): string;
  owner(path: string): string;
  /** Every file and directory under the root with its mode and content. */
  snapshot(): Record<string, string>;
}

function sandbox(docker = 'docker:x:999:'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'archnest-install-'));
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  for (const path of [root, bin, state]) {
    mkdirSync(path);
  }
  writeFileSync(join(state, 'group'), `${docker}\n`);
  writeFileSync(join(state, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(state, 'calls.log'), '');
  for (const [name, body] of Object.entries(STUBS)) {
    const log = `log() { printf '%s\\n' "${name} $*" >>"\${STUB_DIR}/calls.log"; }`;
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nset -euo pipefail\n${log}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const at = (path: string) => join(root, path);
  return {
    dir,
    root,
    run(args = [], env = {}, input = '') {
      const result = spawnSync('bash', [INSTALLER, ...args], {
        env: {
          PATH: `${bin}:${FIXTURES}:${process.env.PATH ?? ''}`,
          STUB_DIR: state,
          ARCHNEST_INSTALL_ROOT: root,
          ...env,
        },
        input,
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    calls: () => readFileSync(join(state, 'calls.log'), 'utf8').split('\n').filter(Boolean),
    read: (path) => readFileSync(at(path), 'utf8'),
    mode: (path) => (statSync(at(path)).mode & 0o7777).toString(8).padStart(4, '0'),
    owner: (path) => `${statSync(at(path)).uid}:${statSync(at(path)).gid}`,
    snapshot() {
      const files: Record<string, string> = {};
      const walk = (path: string): void => {
        for (const entry of readdirSync(path, { withFileTypes: true })) {
          const full = join(path, entry.name);
          const mode = (statSync(full).mode & 0o7777).toString(8);
          if (entry.isDirectory()) {
            files[`${relative(root, full)}/`] = mode;
            walk(full);
          } else {
            files[relative(root, full)] = `${mode} ${readFileSync(full, 'utf8')}`;
          }
        }
      };
      walk(root);
      return files;
    },
  };
}

const INPUTS = ['--url', 'https://archnest.example.com/', '--host-id', 'proxmox-vm-1'];
const ENV_PATH = 'etc/archnest/agent.env';

function expectNoToken(run: Run, ...tokens: string[]): void {
  for (const token of tokens) {
    expect(run.stdout).not.toContain(token);
    expect(run.stderr).not.toContain(token);
  }
}

const describeAsRoot = isRoot ? describe : describe.skip;

describe('agent/install.sh', () => {
  const cleanup: string[] = [];
  const box = (docker?: string) => {
    const made = sandbox(docker);
    cleanup.push(made.dir);
    return made;
  };
  afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is refused without root, on stderr, before it reads anything', () => {
    // A copy in a directory nobody may read, so the check runs as a really unprivileged user.
    const dir = mkdtempSync(join(tmpdir(), 'archnest-install-nobody-'));
    cleanup.push(dir);
    chmodSync(dir, 0o755);
    copyFileSync(INSTALLER, join(dir, 'install.sh'));
    chmodSync(join(dir, 'install.sh'), 0o755);
    const command = isRoot
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'bash']
      : ['bash'];
    const [file = 'bash', ...args] = command;
    const result = spawnSync(file, [...args, join(dir, 'install.sh'), ...INPUTS], {
      env: { PATH: process.env.PATH, ARCHNEST_AGENT_TOKEN: TOKEN },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('must run as root');
    expect(result.stderr).not.toContain(TOKEN);
  });

  describeAsRoot('as root, into a temporary install root', () => {
    it('installs the script, the units and a root-only agent.env, then enables the timer', () => {
      const b = box();
      const run = b.run([...INPUTS, '--token-file', '-'], {}, `${TOKEN}\n`);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expectNoToken(run, TOKEN);

      expect(b.read('usr/local/bin/archnest-docker-agent.sh')).toBe(readFileSync(SCRIPT, 'utf8'));
      expect(b.mode('usr/local/bin/archnest-docker-agent.sh')).toBe('0755');
      for (const unit of ['service', 'timer']) {
        const path = `etc/systemd/system/archnest-docker-agent.${unit}`;
        const source = resolve(__dirname, `../systemd/archnest-docker-agent.${unit}`);
        expect(b.read(path)).toBe(readFileSync(source, 'utf8'));
        expect(b.mode(path)).toBe('0644');
      }
      expect(b.mode(ENV_PATH)).toBe('0600');
      expect(b.owner(ENV_PATH)).toBe('0:0');
      expect(
        b
          .read(ENV_PATH)
          .split('\n')
          .filter((l) => !l.startsWith('#')),
      ).toEqual([
        'ARCHNEST_URL=https://archnest.example.com',
        'ARCHNEST_HOST_ID=proxmox-vm-1',
        `ARCHNEST_AGENT_TOKEN='${TOKEN}'`,
        '',
      ]);
      expect(b.calls()).toEqual([
        'groupadd --system archnest-agent',
        'useradd --system --gid archnest-agent --groups docker --no-create-home --home-dir ' +
          '/nonexistent --shell /usr/sbin/nologin --comment ArchNest Containers push agent ' +
          'archnest-agent',
        'systemctl daemon-reload',
        'systemctl enable --now archnest-docker-agent.timer',
      ]);
      expect(run.stdout).toContain('enabled archnest-docker-agent.timer');
    });

    it('writes an agent.env the agent reads back', () => {
      const b = box();
      expect(b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN }).status).toBe(0);
      const agent = spawnSync('bash', [SCRIPT, '--dry-run', '--env-file', join(b.root, ENV_PATH)], {
        env: { PATH: `${FIXTURES}:${process.env.PATH ?? ''}`, ARCHNEST_AGENT_STATE_DIR: b.dir },
        encoding: 'utf8',
      });
      expect(agent.stderr).toBe('');
      expect((JSON.parse(agent.stdout) as { hostId: string }).hostId).toBe('proxmox-vm-1');
    });

    it('is idempotent, and a re-run with a new token swaps only the token', () => {
      const b = box();
      expect(b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN }).status).toBe(0);
      const first = b.snapshot();
      const again = b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN });
      expect([again.status, again.stderr]).toEqual([0, '']);
      expect(b.snapshot()).toEqual(first);
      expect(b.calls().filter((c) => /^(useradd|groupadd|usermod)/.test(c))).toHaveLength(2);

      // An operator's own setting survives; the URL and host id come from the file.
      writeFileSync(
        join(b.root, ENV_PATH),
        `${b.read(ENV_PATH)}ARCHNEST_AGENT_STATE_DIR=/srv/agent\n`,
      );
      const rotated = b.run(['--token-file', '-'], {}, `${NEW_TOKEN}\n`);
      expect([rotated.status, rotated.stderr]).toEqual([0, '']);
      expectNoToken(rotated, TOKEN, NEW_TOKEN);
      const env = b.read(ENV_PATH);
      expect(env).toContain(`ARCHNEST_AGENT_TOKEN='${NEW_TOKEN}'`);
      expect(env).not.toContain(TOKEN);
      expect(env).toContain('ARCHNEST_URL=https://archnest.example.com\n');
      expect(env).toContain('ARCHNEST_AGENT_STATE_DIR=/srv/agent\n');
      expect(b.mode(ENV_PATH)).toBe('0600');
      expect(readdirSync(join(b.root, 'etc/archnest'))).toEqual(['agent.env']);
    });

    it('adds an existing user to the docker group once', () => {
      const b = box();
      writeFileSync(join(b.dir, 'state/passwd'), 'archnest-agent:x:990:990::/:/bin/false\n');
      writeFileSync(join(b.dir, 'state/group'), 'docker:x:999:alice\narchnest-agent:x:990:\n');
      expect(b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN }).status).toBe(0);
      expect(b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN }).status).toBe(0);
      expect(b.calls().filter((c) => !c.startsWith('systemctl'))).toEqual([
        'usermod --append --groups docker archnest-agent',
      ]);
    });

    it('reads the token from a file and takes inputs from the environment', () => {
      const b = box();
      const file = join(b.dir, 'token');
      writeFileSync(file, `${TOKEN}\r\n`);
      const run = b.run(['--token-file', file], {
        ARCHNEST_URL: 'http://10.0.0.5:3000',
        ARCHNEST_HOST_ID: 'edge_2.lan',
      });
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(b.read(ENV_PATH)).toContain(
        `ARCHNEST_URL=http://10.0.0.5:3000\nARCHNEST_HOST_ID=edge_2.lan\nARCHNEST_AGENT_TOKEN='${TOKEN}'\n`,
      );
    });

    it('warns that --token shows in ps, and still never prints it', () => {
      const b = box();
      const run = b.run([...INPUTS, '--token', TOKEN]);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('--token puts the token in the process list');
      expectNoToken(run, TOKEN);
    });

    it('keeps the token out of a bash -x trace', () => {
      const b = box();
      const traced = (args: string[], env: NodeJS.ProcessEnv, input = '') =>
        spawnSync('bash', ['-x', INSTALLER, ...args], {
          env: {
            PATH: `${join(b.dir, 'bin')}:${FIXTURES}:${process.env.PATH ?? ''}`,
            STUB_DIR: join(b.dir, 'state'),
            ARCHNEST_INSTALL_ROOT: b.root,
            ...env,
          },
          input,
          encoding: 'utf8',
        });
      for (const run of [
        traced([...INPUTS, '--token', TOKEN], {}),
        traced(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN }),
        traced(['--token-file', '-'], {}, `${NEW_TOKEN}\n`),
        traced([], {}), // the token comes from the existing agent.env
      ]) {
        expect(run.status).toBe(0);
        expect(run.stderr).toContain('+ systemctl enable --now'); // tracing is back on
        expect(run.stderr).not.toContain(TOKEN);
        expect(run.stderr).not.toContain(NEW_TOKEN);
        expect(run.stdout).not.toContain(NEW_TOKEN);
      }
    });

    it.each([
      [
        ['--url', 'ftp://archnest.example.com'],
        {},
        "--url must be an http:// or https:// URL without spaces or quotes (got 'ftp://archnest.example.com')",
      ],
      [['--url', 'https://a b'], {}, '--url must be an http:// or https:// URL'],
      [['--url', 'https://x/$(id)'], {}, '--url must be an http:// or https:// URL'],
      [
        [],
        { ARCHNEST_URL: 'archnest.example.com' },
        'ARCHNEST_URL must be an http:// or https:// URL',
      ],
      [
        ['--host-id', 'bad host'],
        {},
        "--host-id must be 1-128 letters, digits, dots, dashes or underscores (got 'bad host')",
      ],
      [['--host-id', 'h'.repeat(129)], {}, '--host-id must be 1-128'],
      [[], { ARCHNEST_HOST_ID: 'a/b' }, 'ARCHNEST_HOST_ID must be 1-128'],
      [['--token', ''], {}, 'no agent token'],
      [
        [],
        { ARCHNEST_AGENT_TOKEN: 'Sup3r Secret' },
        'the agent token (from ARCHNEST_AGENT_TOKEN) must not contain whitespace',
      ],
      [[], { ARCHNEST_AGENT_TOKEN: "Sup3r'Secret" }, 'must not contain a single quote'],
      [[], { ARCHNEST_AGENT_TOKEN: 'archnest_key_Sup3rSecret' }, 'is a user API key'],
      [['--token-file', '/nonexistent/token'], {}, '--token-file: cannot read /nonexistent/token'],
      [['--bogus'], {}, 'unknown option: --bogus'],
      [['--url='], {}, 'write --url VALUE'],
    ] as [string[], NodeJS.ProcessEnv, string][])(
      'refuses %j %j with exit 2 naming the input',
      (args, env, message) => {
        const b = box();
        const url = args.includes('--url') || env.ARCHNEST_URL ? [] : INPUTS.slice(0, 2);
        const host = args.includes('--host-id') || env.ARCHNEST_HOST_ID ? [] : INPUTS.slice(2);
        const token =
          args.includes('--token') || args.includes('--token-file')
            ? {}
            : { ARCHNEST_AGENT_TOKEN: TOKEN };
        const run = b.run([...url, ...host, ...args], { ...token, ...env });
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(message);
        expect(run.stdout).toBe('');
        expectNoToken(run, TOKEN, 'Sup3r');
        expect(b.snapshot()).toEqual({});
        expect(b.calls()).toEqual([]);
      },
    );

    it('refuses stdin without a token, and a token given twice', () => {
      const b = box();
      const empty = b.run([...INPUTS, '--token-file', '-'], {}, '');
      expect([empty.status, empty.stderr.trim()]).toEqual([
        2,
        'archnest-install: --token-file -: stdin is empty',
      ]);
      const twice = b.run([...INPUTS, '--token', TOKEN, '--token-file', '-'], {}, `${TOKEN}\n`);
      expect(twice.status).toBe(2);
      expect(twice.stderr).toContain('give the token once');
      expectNoToken(twice, TOKEN);
    });

    it('changes nothing on a host without a docker group', () => {
      const b = box('staff:x:50:');
      const run = b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("no 'docker' group on this host: install Docker first");
      expect(b.snapshot()).toEqual({});
      expect(b.calls()).toEqual([]);
    });

    it('uninstalls what it installed', () => {
      const b = box();
      expect(b.run(INPUTS, { ARCHNEST_AGENT_TOKEN: TOKEN }).status).toBe(0);
      const run = b.run(['--uninstall']);
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(Object.keys(b.snapshot()).filter((p) => !p.endsWith('/'))).toEqual([]);
      expect(b.calls().slice(-3)).toEqual([
        'systemctl disable --now archnest-docker-agent.timer',
        'systemctl stop archnest-docker-agent.service',
        'systemctl daemon-reload',
      ]);
    });
  });
});
