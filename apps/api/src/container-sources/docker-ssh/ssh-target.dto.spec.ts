import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { CreateSshTargetDto, isSshHost, UpdateSshTargetDto } from './ssh-target.dto';

const pipe = new ValidationPipe({ whitelist: true, forbidUnknownValues: true, transform: true });

async function messages(metatype: ArgumentMetadata['metatype'], body: unknown): Promise<string[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
    return [];
  } catch (error) {
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
}

const valid = { name: 'docker01', host: 'docker01.lan', username: 'deploy', password: 'pw' };

describe('SSH target DTOs', () => {
  it('accepts a plain target and defaults the port', async () => {
    const dto = (await pipe.transform(valid, {
      type: 'body',
      metatype: CreateSshTargetDto,
    })) as CreateSshTargetDto;
    expect(dto.port).toBe(22);
  });

  it.each(['10.0.0.5', '::1', 'fe80::1', 'localhost', 'docker-01.example.com'])(
    'accepts the host %s',
    (host) => expect(isSshHost(host)).toBe(true),
  );

  it.each(['-oProxyCommand=id', 'a b', 'host;id', '$(id)', '', 'x'.repeat(300), 'a_b.lan'])(
    'refuses the host %j',
    (host) => expect(isSshHost(host)).toBe(false),
  );

  it.each([
    [{ username: '-l' }, 'username'],
    [{ username: 'a b' }, 'username'],
    [{ port: 0 }, 'port'],
    [{ name: ' leading-space' }, 'name'],
    [{ dockerCommand: '/usr/bin/docker --tls' }, 'dockerCommand'],
    [{ dockerHost: 'tcp://host' }, 'dockerHost'],
    [{ jumpTargetId: 'jump' }, 'jumpTargetId'],
    [{ privateKey: 'k'.repeat(20_000) }, 'privateKey'],
  ])('refuses %j', async (change, field) => {
    expect((await messages(CreateSshTargetDto, { ...valid, ...change })).join()).toContain(field);
  });

  it('lets an update clear the jump host and the docker host with null', async () => {
    expect(await messages(UpdateSshTargetDto, { jumpTargetId: null, dockerHost: null })).toEqual(
      [],
    );
  });

  it('drops fields a client must not set, such as the pinned fingerprint', async () => {
    const dto = (await pipe.transform(
      { ...valid, hostKeyFingerprint: 'SHA256:evil', credentialsSealed: 'x' },
      { type: 'body', metatype: CreateSshTargetDto },
    )) as Record<string, unknown>;
    expect(dto).not.toHaveProperty('hostKeyFingerprint');
    expect(dto).not.toHaveProperty('credentialsSealed');
  });
});
